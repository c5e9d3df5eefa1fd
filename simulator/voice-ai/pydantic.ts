// How the FastAPI platforms (ElevenLabs, Bolna) refuse a body: a 422 `{detail: [{type, loc, msg, ctx?}]}` in
// pydantic v2's words, from the shape checker's issues (stand-in.ts). The texts are pydantic's own; that these APIs
// answer with exactly them is inferred [I]. No `input` is echoed: it could hold a password.
import { describeShape, string, type Issue, type Loc, type Reply, type Shape } from './stand-in';

export interface PydanticError {
  type: string;
  loc: Loc;
  msg: string;
  ctx?: Record<string, string | number>;
}

/** `'a', 'b' or 'c'`, as pydantic lists an enum's values. */
export const quoteList = (values: readonly string[]): string =>
  values.length <= 1 ? `'${values[0] ?? ''}'` : `${values.slice(0, -1).map((v) => `'${v}'`).join(', ')} or '${values[values.length - 1] ?? ''}'`;

const TYPE_ERRORS: Record<Shape['type'], [string, string]> = {
  string: ['string_type', 'Input should be a valid string'],
  number: ['float_type', 'Input should be a valid number'],
  integer: ['int_type', 'Input should be a valid integer'],
  boolean: ['bool_type', 'Input should be a valid boolean'],
  enum: ['enum', ''],
  array: ['list_type', 'Input should be a valid list'],
  map: ['dict_type', 'Input should be a valid dictionary'],
  object: ['model_attributes_type', 'Input should be a valid dictionary or object to extract fields from'],
  either: ['union', ''],
};

export function pydanticError(issue: Issue): PydanticError {
  const { loc } = issue;
  if (issue.kind === 'missing') return { type: 'missing', loc, msg: 'Field required' };
  if (issue.kind === 'unknown') return { type: 'extra_forbidden', loc, msg: 'Extra inputs are not permitted' };
  const expected = issue.expected ?? string;
  if (expected.type === 'enum') return { type: 'enum', loc, msg: `Input should be ${quoteList(expected.values)}`, ctx: { expected: quoteList(expected.values) } };
  const [type, msg] = TYPE_ERRORS[expected.type];
  return { type, loc, msg: msg || `Input should be ${describeShape(expected)}` };
}

export const unprocessable = (errors: PydanticError[]): Reply => ({ status: 422, body: { detail: errors } });

/** The 422 of every shape issue. */
export const invalidBody = (issues: Issue[]): Reply => unprocessable(issues.map(pydanticError));
