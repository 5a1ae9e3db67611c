import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  ParseEnumPipe,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { calls, count } from './calls.js';
import {
  type CartItemDto,
  Category,
  type CreateOrderDto,
  type CreateProductDto,
  type CreateUserDto,
  type ListQueryDto,
  type SearchQueryDto,
  type UpdateProductDto,
} from './dto.js';

interface Product {
  id: number;
  name: string;
  price: number;
  category: Category;
}

const products: Product[] = Array.from({ length: 20 }, (_, i) => ({
  id: i + 1,
  name: `Product ${i + 1}`,
  price: 10 + i,
  category: i % 2 ? Category.Books : Category.Games,
}));

function find(id: number): Product {
  const product = products[id - 1];
  if (!product) throw new NotFoundException(`no product ${id}`);
  return product;
}

@Controller()
export class ShopController {
  @Get()
  home(): object {
    count('home');
    return { shop: 'nest' };
  }

  @Get('health')
  health(): string {
    count('health');
    return 'ok';
  }

  @Get('time')
  time(): object {
    count('time');
    return { now: new Date().toISOString() };
  }

  @Get('products')
  list(@Query() query: ListQueryDto): Product[] {
    count('listProducts');
    return products.slice(0, query.limit ?? 10);
  }

  @Get('products/:id')
  product(@Param('id', ParseIntPipe) id: number): Product {
    count('getProduct');
    return find(id);
  }

  @Get('products/:id/reviews')
  reviews(@Param('id', ParseIntPipe) id: number): object {
    count('reviews');
    return { id, reviews: ['fine'] };
  }

  @Get('categories')
  categories(): string[] {
    count('categories');
    return Object.values(Category);
  }

  @Get('categories/:slug')
  category(@Param('slug', new ParseEnumPipe(Category)) slug: Category): Product[] {
    count('category');
    return products.filter((p) => p.category === slug);
  }

  @Get('search')
  search(@Query() query: SearchQueryDto): object {
    count('search');
    return { q: query.q, page: query.page ?? 1, hits: products.filter((p) => p.name.includes(query.q)).length };
  }

  @Get('users/:userId')
  user(@Param('userId', ParseUUIDPipe) userId: string): object {
    count('getUser');
    return { id: userId, name: 'Ada' };
  }

  @Get('users/:userId/orders')
  userOrders(@Param('userId', ParseUUIDPipe) userId: string): object[] {
    count('userOrders');
    return [{ id: 1, userId }];
  }

  @Get('orders/:orderId')
  order(@Param('orderId', ParseIntPipe) orderId: number): object {
    count('getOrder');
    return { id: orderId, lines: 2 };
  }

  @Get('report/:year')
  async report(@Param('year', ParseIntPipe) year: number): Promise<object> {
    count('report');
    const { summarise } = await import('./heavy.js');
    return summarise(year);
  }

  @Get('stats')
  stats(): object {
    count('stats');
    return { products: products.length };
  }

  @Post('products')
  createProduct(@Body() dto: CreateProductDto): Product {
    count('createProduct');
    return { id: 99, ...dto };
  }

  @Put('products/:id')
  replaceProduct(@Param('id', ParseIntPipe) id: number, @Body() dto: CreateProductDto): Product {
    count('replaceProduct');
    return { id, ...dto };
  }

  @Patch('products/:id')
  updateProduct(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateProductDto): Product {
    count('updateProduct');
    return { ...find(id), ...dto };
  }

  @Delete('products/:id')
  @HttpCode(204)
  deleteProduct(@Param('id', ParseIntPipe) id: number): void {
    count('deleteProduct');
    void id;
  }

  @Post('orders')
  createOrder(@Body() dto: CreateOrderDto): object {
    count('createOrder');
    return { id: 7, lines: dto.lines.length };
  }

  @Post('users')
  createUser(@Body() dto: CreateUserDto, @Headers('x-request-id') requestId?: string): object {
    count('createUser');
    return { id: 3, email: dto.email, requestId };
  }

  @Post('cart/:cartId/items')
  addToCart(@Param('cartId', ParseUUIDPipe) cartId: string, @Body() dto: CartItemDto): object {
    count('addToCart');
    return { cartId, ...dto };
  }

  @Delete('cart/:cartId')
  @HttpCode(204)
  emptyCart(@Param('cartId', ParseUUIDPipe) cartId: string): void {
    count('emptyCart');
    void cartId;
  }

  @Get('__calls')
  calls(): Record<string, number> {
    return calls;
  }
}

@Controller('api/v1')
export class ApiController {
  @Get('status')
  status(): object {
    count('apiStatus');
    return { status: 'up' };
  }

  @Get('items')
  items(@Query() query: ListQueryDto): Product[] {
    count('apiItems');
    return products.slice(0, query.limit ?? 5);
  }

  @Get('items/:id')
  item(@Param('id', ParseIntPipe) id: number): Product {
    count('apiItem');
    return find(id);
  }

  @Get('items/:id/history')
  history(@Param('id', ParseIntPipe) id: number): object {
    count('apiItemHistory');
    return { id, history: [] };
  }
}
