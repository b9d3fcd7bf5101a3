package dev.munero.core.events;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The JSON of events: the payload in the log and the {@code --events jsonl} lines. Thread-safe. */
public final class RunEvents {
    /** snake_case fields, nulls kept (a null says "unknown", e.g. a cost without a price). */
    public static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private RunEvents() {
    }

    /** The event's fields as a JSON object (without its type). */
    public static ObjectNode payload(RunEvent event) {
        return JSON.valueToTree(event);
    }

    /** One JSON line: {@code {"type": ..., "at": ..., ...fields}}. */
    public static String line(RunEvent event, java.time.Instant at) {
        ObjectNode line = JSON.createObjectNode();
        line.put("type", event.type());
        line.put("at", at.toString());
        line.setAll(payload(event));
        return JSON.writeValueAsString(line);
    }
}
