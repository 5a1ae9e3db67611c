import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/**
 * Every field is optional, so `{}` is a valid search: a warm-up body of `{}` would run the
 * handler. The adapter sends an array, which ValidationPipe always rejects.
 */
export class SearchDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @IsOptional()
  @IsIn(['books', 'music', 'games'])
  category?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}
