/**
 * {@code munero serve}: the REST + WebSocket API under {@code /api/v1}, the dashboard at {@code /}, Prometheus
 * metrics at {@code /metrics}, bearer tokens, rate limits and the audit log; a thin adapter over the application
 * API of {@code munero-core} ({@link dev.munero.core.app.Runs}, {@link dev.munero.core.app.Builds}).
 */
package dev.munero.server;
