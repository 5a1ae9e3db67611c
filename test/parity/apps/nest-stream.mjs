/** A Nest app (no TypeScript: decorators applied as functions) that streams a file and events. */
import 'reflect-metadata';
import { Readable } from 'node:stream';
import { Controller, Get, Module, Sse, StreamableFile } from '@nestjs/common';
import { interval, map, take } from 'rxjs';

class StreamController {
  file() {
    return new StreamableFile(Readable.from([Buffer.from('nest '), Buffer.from('streamed '), Buffer.from('file\n')]), {
      type: 'text/plain',
    });
  }

  events() {
    return interval(5).pipe(
      take(3),
      map((n) => ({ data: { n } })),
    );
  }

  json() {
    return { framework: 'nest' };
  }
}

const method = (decorator, name) =>
  decorator(StreamController.prototype, name, Object.getOwnPropertyDescriptor(StreamController.prototype, name));
method(Get('file'), 'file');
method(Sse('events'), 'events');
method(Get('json'), 'json');
Controller('s')(StreamController);

export class AppModule {}
Module({ controllers: [StreamController] })(AppModule);

export default AppModule;
