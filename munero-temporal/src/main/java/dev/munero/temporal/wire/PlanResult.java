package dev.munero.temporal.wire;

import java.util.List;

/**
 * The accepted plan.
 *
 * @param planJson the plan as {@code PlanJson} writes it
 * @param events   what planning recorded (model calls, {@code plan_accepted}), in order
 */
public record PlanResult(String planJson, List<EventLine> events) { }
