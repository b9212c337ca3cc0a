/*
 * Typed access to the Terraform JSON that cdktf synthesizes (`Testing.synth`, `Testing.synthScope`,
 * `cdk.tf.json`): resources and data sources by type and logical id, locals and outputs. A lookup
 * that finds nothing throws, naming what is there, instead of handing `undefined` to an assertion.
 */
import { TerraformStack, Testing } from 'cdktf';
import { forEachMap, localValue } from './expressions';

/** A synthesized block (the arguments of a resource or data source), read loosely by tests. */
export type Block = Record<string, unknown>;

/** One output as synthesized. */
export interface TerraformOutputJson {
  value: unknown;
  description?: string;
  sensitive?: boolean;
}

/**
 * Terraform JSON as cdktf synthesizes it: blocks by type, then by logical id. cdktf leaves a
 * section out when it is empty, so every section is optional. `B` is the type of a block.
 */
export interface TerraformJson<B = Block> {
  resource?: Record<string, Record<string, B>>;
  data?: Record<string, Record<string, B>>;
  locals?: Record<string, unknown>;
  output?: Record<string, TerraformOutputJson>;
  provider?: Record<string, B[]>;
  terraform?: Record<string, unknown>;
}

const names = (section: object | undefined): string => `[${Object.keys(section ?? {}).join(', ')}]`;

/** Accessors over one synthesized configuration (see `synthesized`). */
export class Synthesized<B = Block> {
  constructor(readonly json: TerraformJson<B>) {}

  /** Every resource of a type by logical id; empty when there is none. */
  resources(type: string): Record<string, B> {
    return this.json.resource?.[type] ?? {};
  }

  /** The resource `type.name`; throws, listing the resources of that type, when there is none. */
  resource(type: string, name: string): B {
    const all = this.resources(type);
    if (!Object.prototype.hasOwnProperty.call(all, name)) {
      throw new Error(`no resource ${type}.${name} (${type}: ${names(all)})`);
    }
    return all[name];
  }

  /**
   * The logical id of the one resource of a type that `pick` accepts (every resource of the type
   * without `pick`); throws when there is none or more than one.
   */
  nameOf(type: string, pick?: (block: B) => boolean): string {
    const found = Object.entries(this.resources(type)).filter(([, block]) => pick?.(block) ?? true);
    if (found.length !== 1) {
      const what = pick ? `${type} matching` : type;
      throw new Error(
        `expected one ${what}, found ${found.length}: ${names(Object.fromEntries(found))}`,
      );
    }
    return found[0][0];
  }

  /** The one resource of a type that `pick` accepts (see `nameOf`). */
  only(type: string, pick?: (block: B) => boolean): B {
    return this.resources(type)[this.nameOf(type, pick)];
  }

  /** Every data source of a type by logical id; empty when there is none. */
  data(type: string): Record<string, B> {
    return this.json.data?.[type] ?? {};
  }

  /** The data source `data.type.name`; throws when there is none. */
  dataSource(type: string, name: string): B {
    const all = this.data(type);
    if (!Object.prototype.hasOwnProperty.call(all, name)) {
      throw new Error(`no data source ${type}.${name} (${type}: ${names(all)})`);
    }
    return all[name];
  }

  /** The value of `local.<name>`; throws when there is no such local. */
  local(name: string): unknown {
    return localValue(this.json.locals, name);
  }

  /** The output `name`; throws when there is none. */
  output(name: string): TerraformOutputJson {
    const all = this.json.output ?? {};
    if (!Object.prototype.hasOwnProperty.call(all, name)) {
      throw new Error(`no output ${name} (outputs: ${names(all)})`);
    }
    return all[name];
  }

  /**
   * The map a resource iterates over: its `for_each = "${local.<name>}"` resolved in the locals.
   * Throws on any other `for_each` form or a missing local.
   */
  forEach(type: string, name: string): Record<string, unknown> {
    return forEachMap((this.resource(type, name) as Block).for_each, this.json.locals);
  }
}

/**
 * Accessors over a synthesized configuration: a stack (synthesized with `Testing.synth`), the JSON
 * text `Testing.synth`/`Testing.synthScope` return, or the parsed JSON.
 */
export function synthesized<B = Block>(
  source: TerraformStack | string | TerraformJson<B>,
): Synthesized<B> {
  if (typeof source === 'string') return new Synthesized(JSON.parse(source) as TerraformJson<B>);
  if (TerraformStack.isStack(source)) {
    return new Synthesized(JSON.parse(Testing.synth(source)) as TerraformJson<B>);
  }
  return new Synthesized(source as TerraformJson<B>);
}
