/**
 * The experiments screen's calls to /api/experiments (owner only). Errors arrive as the shared
 * `ApiError` (with the server's reasons in its message) or `NetworkError` (offline).
 */
import type { ExperimentConfig, ExperimentResults } from '../../../shared/experiments/config';
import type { Channel } from '../../../shared/invitation';
import type { Template } from '../../../shared/templates';
import { api } from '../../api';

export interface VariantView extends Template {
  name: string;
  weight: number;
  updatedAt: string;
}

export interface ExperimentView extends Omit<ExperimentConfig, 'variants'> {
  winner: string | null;
  winnerAt: string | null;
  promotedAt: string | null;
  startedAt: string;
  variants: VariantView[];
}

export interface ExperimentsResponse {
  experiments: ExperimentView[];
  results: ExperimentResults[];
}

export const listExperiments = () => api<ExperimentsResponse>('GET', '/api/experiments');

export const saveVariant = (channel: Channel, name: string, template: Template & { weight?: number }) =>
  api<{ experiment: ExperimentView }>('POST', `/api/experiments/${channel}/variants/${encodeURIComponent(name)}`, template).then((r) => r.experiment);

export const saveSettings = (channel: Channel, settings: { mode?: 'fixed' | 'thompson'; threshold?: number; status?: 'running' }) =>
  api<{ experiment: ExperimentView }>('POST', `/api/experiments/${channel}/settings`, settings).then((r) => r.experiment);

export const promote = (channel: Channel, variant: string) =>
  api<{ experiment: ExperimentView }>('POST', `/api/experiments/${channel}/promote`, { variant }).then((r) => r.experiment);
