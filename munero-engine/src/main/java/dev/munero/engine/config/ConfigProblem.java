package dev.munero.engine.config;

/**
 * One thing wrong in a build definition.
 *
 * @param location where, as precisely as known
 * @param field    the field path, e.g. {@code steps[1].dependsOn}, or empty when not about one field
 * @param message  what is wrong and, where it helps, what to do
 */
public record ConfigProblem(SourceLocation location, String field, String message) {
    @Override
    public String toString() {
        return field.isEmpty() ? location + ": " + message : location + ": " + field + ": " + message;
    }
}
