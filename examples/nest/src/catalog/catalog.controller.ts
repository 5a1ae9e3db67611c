import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { StatsService } from '../stats/stats.service.js';
import { SearchDto } from './search.dto.js';

interface Product {
  readonly sku: string;
  readonly title: string;
  readonly category: string;
  readonly price: number;
}

const products: readonly Product[] = [
  { sku: 'b-1', title: 'The Pragmatic Programmer', category: 'books', price: 42 },
  { sku: 'b-2', title: 'Structure and Interpretation of Computer Programs', category: 'books', price: 55 },
  { sku: 'm-1', title: 'Kind of Blue', category: 'music', price: 12 },
  { sku: 'g-1', title: 'Tetris', category: 'games', price: 5 },
];

/** Version 2 of the catalog: `/api/v2/catalog/...` when the app enables URI versioning. */
@Controller({ path: 'catalog', version: '2' })
export class CatalogController {
  constructor(private readonly stats: StatsService) {}

  @Get('products')
  products(): readonly Product[] {
    return products;
  }

  @Get('products/:sku')
  product(@Param('sku') sku: string): Product {
    const product = products.find((p) => p.sku === sku);
    if (!product) throw new NotFoundException(`no product ${sku}`);
    return product;
  }

  @Get('products/:sku/reviews')
  reviews(@Param('sku') sku: string): { sku: string; reviews: string[] } {
    return { sku, reviews: [`${sku} is good`] };
  }

  @Get('categories')
  categories(): string[] {
    return [...new Set(products.map((p) => p.category))];
  }

  @Get('featured')
  featured(): Product | undefined {
    return products[0];
  }

  @Post('search')
  @HttpCode(200)
  search(@Body() query: SearchDto): Product[] {
    // Counted apart from the interceptor: only a search that passed validation gets here.
    this.stats.count('CatalogController.search ran');
    const text = query.q?.toLowerCase() ?? '';
    return products
      .filter((p) => (!query.category || p.category === query.category) && p.title.toLowerCase().includes(text))
      .slice(0, query.limit ?? 10);
  }
}
