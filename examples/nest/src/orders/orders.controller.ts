import { Body, Controller, Delete, Get, Headers, NotFoundException, Param, ParseIntPipe, Post } from '@nestjs/common';
import { CreateOrderDto, type OrderItemDto } from './order.dto.js';

interface Order {
  readonly id: number;
  readonly userId: number;
  readonly items: readonly OrderItemDto[];
  status: 'open' | 'cancelled';
}

@Controller('orders')
export class OrdersController {
  private readonly orders = new Map<number, Order>();
  private nextId = 1;

  @Get()
  list(): Order[] {
    return [...this.orders.values()];
  }

  @Get('summary')
  summary(): { open: number; cancelled: number } {
    const all = [...this.orders.values()];
    return { open: all.filter((o) => o.status === 'open').length, cancelled: all.filter((o) => o.status === 'cancelled').length };
  }

  @Get(':id')
  find(@Param('id', ParseIntPipe) id: number): Order {
    const order = this.orders.get(id);
    if (!order) throw new NotFoundException(`no order ${id}`);
    return order;
  }

  /** A tsunicorn warm-up request (x-tsunicorn-warmup: 1) runs the whole path but stores nothing. */
  @Post()
  create(@Body() dto: CreateOrderDto, @Headers('x-tsunicorn-warmup') warmup?: string): Order {
    const persist = warmup !== '1';
    const order: Order = { id: persist ? this.nextId++ : this.nextId, userId: dto.userId, items: dto.items, status: 'open' };
    if (persist) this.orders.set(order.id, order);
    return order;
  }

  @Delete(':id')
  cancel(@Param('id', ParseIntPipe) id: number): Order {
    const order = this.find(id);
    order.status = 'cancelled';
    return order;
  }
}
