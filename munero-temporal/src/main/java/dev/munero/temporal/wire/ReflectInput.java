package dev.munero.temporal.wire;

import java.util.List;

/** Reflection on failed checks as an activity: the next tasks, from the plan, what is done and what failed. */
public record ReflectInput(RunInput run, int iteration, String planJson, List<String> doneTaskIds,
                           String failuresJson) { }
