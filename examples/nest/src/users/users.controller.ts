import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseIntPipe, Patch, Post, Put } from '@nestjs/common';
import { CreateUserDto, UpdateUserDto } from './user.dto.js';
import { type User, UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(): User[] {
    return this.users.list();
  }

  @Get('count')
  count(): { count: number } {
    return { count: this.users.count() };
  }

  @Get(':id')
  find(@Param('id', ParseIntPipe) id: number): User {
    return this.users.find(id);
  }

  /** A tsunicorn warm-up request (x-tsunicorn-warmup: 1) runs the whole path but stores nothing. */
  @Post()
  create(@Body() dto: CreateUserDto, @Headers('x-tsunicorn-warmup') warmup?: string): User {
    return this.users.create(dto, warmup !== '1');
  }

  @Put(':id')
  replace(@Param('id', ParseIntPipe) id: number, @Body() dto: CreateUserDto): User {
    return this.users.replace(id, dto);
  }

  @Patch(':id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateUserDto, @Headers('x-tsunicorn-warmup') warmup?: string): User {
    return this.users.update(id, dto, warmup !== '1');
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseIntPipe) id: number): void {
    this.users.remove(id);
  }
}
