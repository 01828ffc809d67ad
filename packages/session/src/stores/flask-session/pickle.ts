/**
 * The plain-data subset of Python's pickle, for the session files Flask-Session
 * writes through cachelib (a pickled `dict`). Reading never runs anything: only
 * opcodes that build dicts, lists, tuples, sets, str, bytes, int, float, bool and
 * None are accepted; GLOBAL, REDUCE, BUILD and every other opcode that names or
 * calls Python code is refused with a PickleError, before any value is used.
 * Writing produces what CPython's `pickle.dumps(value, 5)` produces for the same
 * plain data (protocol 5, one frame, MEMOIZE after each container and string).
 * Opcodes: CPython Lib/pickletools.py.
 */
import { Tuple, tuple } from '../../tuple.js';
import { setOwn } from '../store.js';

/** A pickle micro will not read (or a value it cannot write as one). */
export class PickleError extends Error {
  readonly code = 'SESSION_PICKLE_UNSUPPORTED';
  constructor(message: string) {
    super(message);
    this.name = 'PickleError';
  }
}

const OP = {
  MARK: 0x28, // (
  STOP: 0x2e, // .
  EMPTY_TUPLE: 0x29, // )
  EMPTY_LIST: 0x5d, // ]
  EMPTY_DICT: 0x7d, // }
  APPEND: 0x61, // a
  APPENDS: 0x65, // e
  SETITEM: 0x73, // s
  SETITEMS: 0x75, // u
  TUPLE: 0x74, // t
  LIST: 0x6c, // l
  DICT: 0x64, // d
  NONE: 0x4e, // N
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  BININT2: 0x4d, // M
  BINFLOAT: 0x47, // G
  BINUNICODE: 0x58, // X
  BINBYTES: 0x42, // B
  SHORT_BINBYTES: 0x43, // C
  BINGET: 0x68, // h
  LONG_BINGET: 0x6a, // j
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  POP: 0x30, // 0
  PROTO: 0x80,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  BYTEARRAY8: 0x96,
} as const;

const NAMES = new Map<number, string>(Object.entries(OP).map(([name, code]) => [code, name]));
// Opcodes that would import or call Python code, named in the error so it says what was found.
const REFUSED: Record<number, string> = {
  0x63: 'GLOBAL', 0x93: 'STACK_GLOBAL', 0x52: 'REDUCE', 0x62: 'BUILD', 0x69: 'INST', 0x6f: 'OBJ',
  0x81: 'NEWOBJ', 0x92: 'NEWOBJ_EX', 0x50: 'PERSID', 0x51: 'BINPERSID', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4',
  0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

const MAX_PROTOCOL = 5;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A Python set or frozenset while it is being read: becomes an array. */
class PySet {
  readonly items: unknown[] = [];
}
/** A MARK on the stack. */
const MARK = Symbol('mark');

/**
 * Read a pickle of plain data. Dicts become plain objects (keys must be str or
 * int; ints become their decimal text), lists arrays, tuples `Tuple`s, sets
 * arrays, bytes `Uint8Array`s, ints numbers (bigint beyond 2^53).
 */
export function loadPickle(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const memo: unknown[] = [];
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  let pos = 0;

  const need = (n: number) => {
    if (pos + n > bytes.length) throw new PickleError('The pickle is truncated.');
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => bytes[need(1)]!;
  const u32 = () => view.getUint32(need(4), true);
  const u64 = () => {
    const at = need(8);
    const high = view.getUint32(at + 4, true);
    if (high > 0x1fffff) throw new PickleError('A pickle length is out of range.');
    return high * 2 ** 32 + view.getUint32(at, true);
  };
  const slice = (n: number) => {
    const at = need(n);
    return bytes.subarray(at, at + n);
  };
  const pop = () => {
    if (stack.length === 0) throw new PickleError('The pickle pops from an empty stack.');
    const value = stack.pop();
    if (value === MARK) throw new PickleError('The pickle misplaces a MARK.');
    return value;
  };
  const top = () => {
    const value = stack[stack.length - 1];
    if (stack.length === 0 || value === MARK) throw new PickleError('The pickle has no object where one is needed.');
    return value;
  };
  const popMark = () => {
    const items = stack;
    const outer = marks.pop();
    if (!outer) throw new PickleError('The pickle closes a MARK it never opened.');
    stack = outer;
    return items;
  };
  const str = (n: number) => {
    try {
      return utf8.decode(slice(n));
    } catch {
      throw new PickleError('A pickled str is not valid UTF-8.');
    }
  };
  const copy = (n: number) => new Uint8Array(slice(n));
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!isDict(dict)) throw new PickleError('The pickle sets items on something that is not a dict.');
    if (items.length % 2) throw new PickleError('The pickle has a key without a value.');
    for (let i = 0; i < items.length; i += 2) setOwn(dict, dictKey(items[i]), unwrap(items[i + 1]));
  };
  const appendTo = (list: unknown, items: unknown[]) => {
    const target = list instanceof PySet ? list.items : Array.isArray(list) && !(list instanceof Tuple) ? list : null;
    // A loop, not push(...items): a spread of a huge batch would overflow the call stack.
    if (target) for (const item of items) target.push(unwrap(item));
    else throw new PickleError('The pickle appends to something that is not a list.');
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case OP.PROTO: {
        const protocol = u8();
        if (protocol > MAX_PROTOCOL) throw new PickleError(`Pickle protocol ${protocol} is newer than ${MAX_PROTOCOL}.`);
        break;
      }
      case OP.FRAME:
        u64(); // frames only group bytes for buffered reads; the opcodes inside run as usual
        break;
      case OP.STOP: {
        const value = pop();
        if (stack.length || marks.length) throw new PickleError('The pickle stops with values left over.');
        if (pos !== bytes.length) throw new PickleError('The pickle has bytes after STOP.');
        assertAcyclic(value);
        return unwrap(value);
      }
      case OP.MARK:
        marks.push(stack);
        stack = [];
        break;
      case OP.POP:
        pop();
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT1:
        stack.push(u8());
        break;
      case OP.BININT2:
        stack.push(view.getUint16(need(2), true));
        break;
      case OP.BININT:
        stack.push(view.getInt32(need(4), true));
        break;
      case OP.LONG1:
        stack.push(littleEndianInt(slice(u8())));
        break;
      case OP.LONG4: {
        const n = view.getInt32(need(4), true);
        if (n < 0) throw new PickleError('A pickled int has a negative length.');
        stack.push(littleEndianInt(slice(n)));
        break;
      }
      case OP.BINFLOAT:
        stack.push(view.getFloat64(need(8), false));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(str(u8()));
        break;
      case OP.BINUNICODE:
        stack.push(str(u32()));
        break;
      case OP.BINUNICODE8:
        stack.push(str(u64()));
        break;
      case OP.SHORT_BINBYTES:
        stack.push(copy(u8()));
        break;
      case OP.BINBYTES:
        stack.push(copy(u32()));
        break;
      case OP.BINBYTES8:
      case OP.BYTEARRAY8:
        stack.push(copy(u64()));
        break;
      case OP.EMPTY_DICT:
        stack.push(newDict());
        break;
      case OP.EMPTY_LIST:
        stack.push([]);
        break;
      case OP.EMPTY_TUPLE:
        stack.push(tuple());
        break;
      case OP.EMPTY_SET:
        stack.push(new PySet());
        break;
      case OP.DICT: {
        const dict = newDict();
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      // popMark() swaps `stack`: take its result before pushing (stack.push(popMark()) would push to the old one).
      case OP.LIST: {
        const list = popMark().map(unwrap);
        stack.push(list);
        break;
      }
      case OP.TUPLE: {
        const t = toTuple(popMark());
        stack.push(t);
        break;
      }
      case OP.FROZENSET: {
        const set = new PySet();
        for (const item of popMark()) set.items.push(unwrap(item));
        stack.push(set);
        break;
      }
      case OP.TUPLE1:
        stack.push(tuple(unwrap(pop())));
        break;
      case OP.TUPLE2: {
        const b = unwrap(pop());
        stack.push(tuple(unwrap(pop()), b));
        break;
      }
      case OP.TUPLE3: {
        const c = unwrap(pop());
        const b = unwrap(pop());
        stack.push(tuple(unwrap(pop()), b, c));
        break;
      }
      case OP.APPEND: {
        const item = pop();
        appendTo(top(), [item]);
        break;
      }
      case OP.APPENDS:
      case OP.ADDITEMS: {
        const items = popMark();
        appendTo(top(), items);
        break;
      }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case OP.MEMOIZE:
        memo.push(top());
        break;
      case OP.BINPUT:
        memo[u8()] = top();
        break;
      case OP.LONG_BINPUT: {
        const index = u32();
        if (index > bytes.length) throw new PickleError('A pickle memo index is out of range.');
        memo[index] = top();
        break;
      }
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const index = op === OP.BINGET ? u8() : u32();
        if (!(index in memo)) throw new PickleError('The pickle refers to a memo entry it never made.');
        stack.push(memo[index]);
        break;
      }
      default: {
        const name = REFUSED[op] ?? NAMES.get(op) ?? `0x${op.toString(16).padStart(2, '0')}`;
        throw new PickleError(
          `Pickle opcode ${name} is not read: micro reads only plain data (dict, list, tuple, set, str, bytes, int, float, bool, None). ` +
            'A session holding another Python object (a datetime, a class instance) cannot be shared through files; store plain values.',
        );
      }
    }
  }
}

function newDict(): Record<string, unknown> {
  return {};
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function dictKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  throw new PickleError('A pickled dict has a key that is neither str nor int.');
}

/** Two's complement, little-endian (LONG1/LONG4): a number when exact, else a bigint. */
function littleEndianInt(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function toTuple(items: unknown[]): Tuple {
  const t = new Tuple();
  for (const item of items) t.push(unwrap(item));
  return Object.freeze(t) as Tuple;
}

/** A set is read into a PySet (ADDITEMS may still add to it); its `items` array stands for it everywhere. */
function unwrap(value: unknown): unknown {
  return value instanceof PySet ? value.items : value;
}

/** The memo can make a list that contains itself; session data must be a tree (or a DAG). */
function assertAcyclic(root: unknown): void {
  const done = new Set<unknown>();
  const open = new Set<unknown>();
  const children = (v: unknown): unknown[] =>
    v instanceof PySet ? v.items : Array.isArray(v) ? v : isDict(v) ? Object.values(v) : [];
  const todo: Array<{ value: unknown; exit: boolean }> = [{ value: root, exit: false }];
  while (todo.length) {
    const { value, exit } = todo.pop()!;
    if (exit) {
      open.delete(value);
      done.add(value);
      continue;
    }
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array || done.has(value)) continue;
    if (open.has(value)) throw new PickleError('The pickle holds a container that contains itself.');
    open.add(value);
    todo.push({ value, exit: true });
    for (const child of children(value)) todo.push({ value: child, exit: false });
  }
}

// --- writing ----------------------------------------------------------------------

const BATCH = 1000; // CPython's pickler batches APPENDS/SETITEMS by 1000
const FRAME_MIN = 4; // CPython frames a pickle only from 4 bytes of body up

/** Bytes out, grown as needed. */
class Out {
  private buf = Buffer.allocUnsafe(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  u16(n: number): void {
    this.room(2);
    this.length = this.buf.writeUInt16LE(n, this.length);
  }
  u32(n: number): void {
    this.room(4);
    this.length = this.buf.writeUInt32LE(n, this.length);
  }
  i32(n: number): void {
    this.room(4);
    this.length = this.buf.writeInt32LE(n, this.length);
  }
  u64(n: number): void {
    this.room(8);
    this.length = this.buf.writeBigUInt64LE(BigInt(n), this.length);
  }
  f64be(n: number): void {
    this.room(8);
    this.length = this.buf.writeDoubleBE(n, this.length);
  }
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * `pickle.dumps(value, 5)` for plain data: objects → dict, arrays → list,
 * `Tuple` → tuple, strings → str, Uint8Array → bytes, whole numbers → int,
 * other numbers → float, bigint → int, booleans, null/undefined → None.
 * Anything else (Date, Map, class instances) throws a PickleError naming it.
 */
export function dumpPickle(value: unknown): Buffer {
  const body = new Out();
  save(body, value, 0);
  body.byte(OP.STOP);
  const payload = body.result();
  const out = new Out();
  out.byte(OP.PROTO);
  out.byte(MAX_PROTOCOL);
  if (payload.length >= FRAME_MIN) {
    out.byte(OP.FRAME);
    out.u64(payload.length);
  }
  out.bytes(payload);
  return out.result();
}

const MAX_DEPTH = 1000; // CPython's own recursion limit would stop a deeper pickle

function save(out: Out, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new PickleError(`Session data nested deeper than ${MAX_DEPTH} levels cannot be pickled.`);
  if (value === null || value === undefined) return out.byte(OP.NONE);
  if (value === true) return out.byte(OP.NEWTRUE);
  if (value === false) return out.byte(OP.NEWFALSE);
  // Past 2^53 a JS number is no longer an exact integer: Python gets a float, as JSON would give it.
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? saveInt(out, value) : saveFloat(out, value);
  if (typeof value === 'bigint') return saveInt(out, value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length < 256) {
      out.byte(OP.SHORT_BINUNICODE);
      out.byte(bytes.length);
    } else if (bytes.length < 2 ** 32) {
      out.byte(OP.BINUNICODE);
      out.u32(bytes.length);
    } else {
      out.byte(OP.BINUNICODE8);
      out.u64(bytes.length);
    }
    out.bytes(bytes);
    return out.byte(OP.MEMOIZE);
  }
  if (value instanceof Uint8Array) {
    if (value.length < 256) {
      out.byte(OP.SHORT_BINBYTES);
      out.byte(value.length);
    } else {
      out.byte(OP.BINBYTES);
      out.u32(value.length);
    }
    out.bytes(value);
    return out.byte(OP.MEMOIZE);
  }
  if (value instanceof Tuple) return saveTuple(out, value, depth);
  if (Array.isArray(value)) {
    out.byte(OP.EMPTY_LIST);
    out.byte(OP.MEMOIZE);
    return batched(out, value, OP.APPEND, OP.APPENDS, (item) => save(out, item, depth + 1));
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    out.byte(OP.EMPTY_DICT);
    out.byte(OP.MEMOIZE);
    return batched(out, Object.entries(value), OP.SETITEM, OP.SETITEMS, ([k, v]) => {
      save(out, k, depth + 1);
      save(out, v, depth + 1);
    });
  }
  const what = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new PickleError(
    `A ${what} cannot be stored in Flask-Session's filesystem format, which micro writes as plain pickled data. ` +
      (value instanceof Date ? 'Store date.toISOString() (or a Unix time) instead.' : 'Store plain objects, arrays, strings, numbers, booleans, null or Uint8Array.'),
  );
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function batched<T>(out: Out, items: readonly T[], one: number, many: number, saveItem: (item: T) => void): void {
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items.slice(start, start + BATCH);
    if (batch.length === 1) {
      saveItem(batch[0]!);
      out.byte(one);
    } else {
      out.byte(OP.MARK);
      for (const item of batch) saveItem(item);
      out.byte(many);
    }
  }
}

function saveTuple(out: Out, items: readonly unknown[], depth: number): void {
  if (items.length === 0) return out.byte(OP.EMPTY_TUPLE);
  if (items.length > 3) out.byte(OP.MARK);
  for (const item of items) save(out, item, depth + 1);
  out.byte(items.length === 1 ? OP.TUPLE1 : items.length === 2 ? OP.TUPLE2 : items.length === 3 ? OP.TUPLE3 : OP.TUPLE);
  out.byte(OP.MEMOIZE);
}

function saveInt(out: Out, value: number | bigint): void {
  const n = typeof value === 'bigint' && value >= -(2n ** 31n) && value < 2n ** 31n ? Number(value) : value;
  if (typeof n === 'number' && n >= 0 && n < 256) {
    out.byte(OP.BININT1);
    return out.byte(n);
  }
  if (typeof n === 'number' && n >= 0 && n < 65536) {
    out.byte(OP.BININT2);
    return out.u16(n);
  }
  if (typeof n === 'number' && n >= -(2 ** 31) && n < 2 ** 31) {
    out.byte(OP.BININT);
    return out.i32(n);
  }
  const bytes = twosComplement(BigInt(n));
  if (bytes.length < 256) {
    out.byte(OP.LONG1);
    out.byte(bytes.length);
  } else {
    out.byte(OP.LONG4);
    out.u32(bytes.length);
  }
  out.bytes(bytes);
}

/** The shortest little-endian two's complement, as CPython's encode_long. */
function twosComplement(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.push(byte);
    v >>= 8n; // arithmetic shift: -1 stays -1
    if ((v === 0n && !(byte & 0x80)) || (v === -1n && byte & 0x80)) break;
  }
  return Uint8Array.from(bytes);
}

function saveFloat(out: Out, value: number): void {
  out.byte(OP.BINFLOAT);
  out.f64be(value);
}
