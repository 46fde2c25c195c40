// Announces each flagged report once to LUNADEFEND_ALERT_WEBHOOK_URL: one POST with the reason and
// the report's identifiers, never its body or counts. Delivery is fire-and-forget with a timeout
// and never delays ingest; there is no retry, so a delivered alert is never repeated. Failures are
// counted in metrics and logged without the URL (webhook URLs often embed a secret).

import type { Logger } from 'pino';
import type { ReceiverMetrics } from '../telemetry/receiver-metrics.js';

export interface FlaggedAlert {
  readonly reportId: string;
  readonly stackId: string;
  readonly version: string;
  readonly windowStart: string;
  readonly reason: string;
}

export interface AlertWebhookOptions {
  readonly url: string | undefined;
  /** Default 5 s. */
  readonly timeoutMs?: number;
  /** Alerts in flight at once before new ones are dropped (counted). Default 100. */
  readonly maxInFlight?: number;
  readonly logger: Logger;
  readonly metrics: ReceiverMetrics;
  readonly now: () => Date;
}

export interface AlertWebhook {
  announce(alert: FlaggedAlert): void;
  /** Waits for deliveries in flight (used at shutdown). */
  drain(): Promise<void>;
}

export function createAlertWebhook(options: AlertWebhookOptions): AlertWebhook {
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = options.maxInFlight ?? 100;
  const timeoutMs = options.timeoutMs ?? 5000;

  const deliver = async (url: string, alert: FlaggedAlert): Promise<void> => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'report_flagged', at: options.now().toISOString(), ...alert }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (response.ok) {
        options.metrics.alerts.inc({ outcome: 'sent' });
      } else {
        options.metrics.alerts.inc({ outcome: 'failed' });
        options.logger.warn({ status: response.status }, 'alerts: webhook answered with an error status');
      }
    } catch (error) {
      options.metrics.alerts.inc({ outcome: 'failed' });
      options.logger.warn({ error: (error as Error).name }, 'alerts: webhook delivery failed');
    }
  };

  return {
    announce(alert) {
      const url = options.url;
      if (url === undefined) return;
      if (inFlight.size >= maxInFlight) {
        options.metrics.alerts.inc({ outcome: 'dropped' });
        return;
      }
      const delivery = deliver(url, alert).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    },
    async drain() {
      await Promise.all([...inFlight]);
    },
  };
}
