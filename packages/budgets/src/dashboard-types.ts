/*
 * The dashboard body (CloudWatch's "Dashboard Body Structure and Syntax"), as typed objects built
 * in a fixed order, so the JSON is the same on every synth. Values may be unresolved tokens (log
 * group names, alarm ARNs): they end up as Terraform interpolations inside the JSON string.
 */

import type { ModelPrice } from '@claude-code-bedrock/core';
import type { UsageMetricKey } from './usage-alarms';

/** Per-metric options (the "rendering properties object" of a metric row). */
export interface MetricOptions {
  readonly id?: string;
  readonly label?: string;
  readonly stat?: string;
  readonly visible?: boolean;
  readonly period?: number;
  readonly yAxis?: 'left' | 'right';
}

/** `[namespace, metric name, dimension name, value, ..., options]`: one metric. */
export type MetricRow = readonly [string, string, ...(string | MetricOptions)[]];
/** `[{ expression, id, label }]`: metric math, a search expression or a Metrics Insights query. */
export type ExpressionRow = readonly [
  { readonly expression: string; readonly id: string; readonly label?: string },
];

export interface MetricWidgetProperties {
  readonly title: string;
  readonly region: string;
  readonly view: 'timeSeries' | 'bar' | 'pie' | 'singleValue' | 'table';
  readonly stacked: boolean;
  readonly period: number;
  readonly stat: string;
  readonly metrics: readonly (MetricRow | ExpressionRow)[];
  readonly yAxis?: { readonly left: { readonly label?: string; readonly min?: number } };
}

export type WidgetContent =
  | { readonly type: 'text'; readonly properties: { readonly markdown: string } }
  | { readonly type: 'metric'; readonly properties: MetricWidgetProperties }
  | {
      readonly type: 'log';
      readonly properties: {
        readonly title: string;
        readonly region: string;
        readonly view: 'table';
        readonly query: string;
      };
    }
  | {
      readonly type: 'alarm';
      readonly properties: {
        readonly title: string;
        readonly alarms: readonly string[];
        readonly sortBy: 'stateUpdatedTimestamp';
      };
    };

/** A widget placed on the 24-column grid. */
export type Widget = {
  readonly type: WidgetContent['type'];
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: WidgetContent['properties'];
};

export interface DashboardBody {
  readonly start: string;
  readonly periodOverride: 'inherit';
  readonly widgets: readonly Widget[];
}

/** What the body is built from (names, ARNs and log groups may be tokens). */
export interface DashboardSources {
  readonly project: string;
  readonly region: string;
  /** The usage alarms' namespace and metric names, and every alarm ARN to show. */
  readonly usage: {
    readonly namespace: string;
    readonly metricNames: Readonly<Record<UsageMetricKey, string>>;
  };
  readonly alarmArns: readonly string[];
  readonly invocationLogGroupName: string;
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /** The enforcer's namespace and log group, when spend caps are on. */
  readonly caps?: { readonly namespace: string; readonly logGroupName: string };
  readonly periodSeconds: number;
  readonly start: string;
  readonly topDevelopers: number;
}

/** The grid is 24 columns wide. */
export const GRID_COLUMNS = 24;

/** A widget before placement: its content and size. */
export type Sized = WidgetContent & { readonly width: number; readonly height: number };
