/** The alerts screen's call (owner only): open alerts, resolved history and recent errors. */
import type { AlertsOverview } from '../../../shared/alerts';
import { api } from '../../api';

export const loadAlerts = () => api<AlertsOverview>('GET', '/api/admin/alerts');
