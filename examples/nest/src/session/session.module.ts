import { Module } from '@nestjs/common';
import { RequestContext } from './request-context.js';
import { SessionController } from './session.controller.js';

@Module({ controllers: [SessionController], providers: [RequestContext] })
export class SessionModule {}
