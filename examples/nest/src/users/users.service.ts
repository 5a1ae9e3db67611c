import { Injectable, NotFoundException } from '@nestjs/common';
import type { CreateUserDto, UpdateUserDto } from './user.dto.js';

export interface User {
  readonly id: number;
  name: string;
  email: string;
  age?: number;
}

/** An in-memory store: enough to show that warm-up never creates a user. */
@Injectable()
export class UsersService {
  private readonly users = new Map<number, User>([
    [1, { id: 1, name: 'Ada', email: 'ada@example.com', age: 36 }],
    [2, { id: 2, name: 'Linus', email: 'linus@example.com' }],
  ]);
  private nextId = 3;

  list(): User[] {
    return [...this.users.values()];
  }

  count(): number {
    return this.users.size;
  }

  find(id: number): User {
    const user = this.users.get(id);
    if (!user) throw new NotFoundException(`no user ${id}`);
    return user;
  }

  /** With `persist` off (a warm-up request), runs the same code and stores nothing. */
  create(dto: CreateUserDto, persist = true): User {
    const user: User = { id: persist ? this.nextId++ : this.nextId, ...dto };
    if (persist) this.users.set(user.id, user);
    return user;
  }

  replace(id: number, dto: CreateUserDto): User {
    this.find(id);
    const user: User = { id, ...dto };
    this.users.set(id, user);
    return user;
  }

  update(id: number, dto: UpdateUserDto, persist = true): User {
    return Object.assign(persist ? this.find(id) : { ...this.find(id) }, dto);
  }

  remove(id: number): void {
    this.find(id);
    this.users.delete(id);
  }
}
