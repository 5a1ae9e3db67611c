// A TypeScript app with what Node's own type stripping rejects: an enum, a parameter
// property, and a decorator whose metadata TypeScript emits (emitDecoratorMetadata), as Nest's
// dependency injection reads it.
import http from 'node:http';
import 'reflect-metadata';

enum Greeting {
  Hello = 'hello',
}

function injectable(_target: object): void {}

class Phrasebook {
  readonly greeting = Greeting.Hello;
}

@injectable
class Greeter {
  constructor(private readonly phrasebook: Phrasebook) {}
  greet(): string {
    return `${this.phrasebook.greeting} from ${process.env.GREETING_SOURCE ?? 'nowhere'}`;
  }
}

const greeter = new Greeter(new Phrasebook());
const paramTypes = (Reflect.getMetadata('design:paramtypes', Greeter) ?? []) as { name: string }[];

export default http.createServer((_req, res) => {
  res.end(JSON.stringify({ text: greeter.greet(), paramTypes: paramTypes.map((t) => t.name) }));
});
