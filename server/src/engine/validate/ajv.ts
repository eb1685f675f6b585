// ajv, loaded on first use (it is large, and most documents are Kubernetes resources that never need it), in the
// draft a schema's `$schema` names: 2020-12, 2019-09, else draft-07 (which also reads draft-04/06 schemas).
import type { default as Ajv, Options } from 'ajv';
import type { default as Ajv2019 } from 'ajv/dist/2019';
import type { default as Ajv2020 } from 'ajv/dist/2020';

export type AnyAjv = Ajv | Ajv2019 | Ajv2020;

declare const require: (id: string) => { default: new (options: Options) => AnyAjv };

export function ajvFor(schema: unknown, options: Options): AnyAjv {
  const dialect = typeof schema === 'object' && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  const uri = typeof dialect === 'string' ? dialect : '';
  if (uri.includes('2020-12')) return new (require('ajv/dist/2020').default)(options);
  if (uri.includes('2019-09')) return new (require('ajv/dist/2019').default)(options);
  return new (require('ajv').default)(options);
}
