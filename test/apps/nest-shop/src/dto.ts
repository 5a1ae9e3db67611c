import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export enum Category {
  Books = 'books',
  Games = 'games',
}

export class CreateProductDto {
  @IsString()
  @MinLength(2)
  @MaxLength(40)
  name!: string;

  @IsNumber()
  @IsPositive()
  price!: number;

  @IsEnum(Category)
  category!: Category;

  @IsOptional()
  @IsString({ each: true })
  tags?: string[];
}

export class UpdateProductDto {
  @IsOptional()
  @IsString()
  @MinLength(2)
  name?: string;

  @IsOptional()
  @IsNumber()
  @Min(1)
  price?: number;
}

export class AddressDto {
  @IsString()
  @IsNotEmpty()
  street!: string;

  @Matches(/^[0-9]{5}$/)
  zip!: string;
}

export class OrderLineDto {
  @IsInt()
  @Min(1)
  productId!: number;

  @IsInt()
  @Min(1)
  @Max(9)
  quantity!: number;
}

export class CreateOrderDto {
  @IsEmail()
  email!: string;

  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  @ArrayMinSize(1)
  lines!: OrderLineDto[];

  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;

  @IsOptional()
  @IsBoolean()
  gift?: boolean;
}

export class CreateUserDto {
  @IsEmail()
  email!: string;

  @IsISO8601()
  born!: string;

  @IsOptional()
  @IsIn(['en', 'fr'])
  language?: string;
}

export class SearchQueryDto {
  @IsString()
  @MinLength(3)
  q!: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;
}

export class ListQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class CartItemDto {
  @IsUUID()
  productRef!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}
