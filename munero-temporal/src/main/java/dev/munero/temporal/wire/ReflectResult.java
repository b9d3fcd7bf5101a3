package dev.munero.temporal.wire;

import java.util.List;

/**
 * A reflection.
 *
 * @param planJson the revised plan (with the reflection's new tasks) as {@code PlanJson} writes it
 * @param newTaskIds the ids of the tasks the next iteration runs
 * @param lessonsJson the lessons it recorded, each one {@code Lesson} as JSON
 */
public record ReflectResult(String planJson, List<String> newTaskIds, List<String> lessonsJson,
                            List<EventLine> events) { }
