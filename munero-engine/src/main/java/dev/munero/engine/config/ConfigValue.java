package dev.munero.engine.config;

import tools.jackson.databind.JsonNode;

/**
 * One entry of a munero.yaml section the build does not read itself (see {@link ConfigLoader#section}).
 *
 * @param value    the value as the schema admitted it: a string, number, boolean, or array; YAML scalars are
 *                 typed by the YAML 1.2 JSON schema ({@code yes} and {@code True} stay strings)
 * @param location where the entry's key is written
 */
public record ConfigValue(JsonNode value, SourceLocation location) {
}
