package dev.munero.temporal.wire;

/**
 * One of the run's events as it travels from an activity to the workflow and from the workflow to the starter,
 * which appends it to its store like a local run's event.
 *
 * @param type        the event's type ({@code RunEvent#type()}, e.g. {@code task_finished})
 * @param payloadJson its payload, {@code RunEvents.payload(event)} as JSON text
 * @param atMillis    when it happened, epoch milliseconds (the worker's clock; the workflow's for its own)
 */
public record EventLine(String type, String payloadJson, long atMillis) { }
