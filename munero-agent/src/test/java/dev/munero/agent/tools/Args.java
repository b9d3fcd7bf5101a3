package dev.munero.agent.tools;

import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Tool arguments for tests: {@code Args.of("path", "a.txt", "offset_line", 3)}. */
final class Args {
    private Args() {
    }

    static ObjectNode of(Object... keysAndValues) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String key = (String) keysAndValues[i];
            switch (keysAndValues[i + 1]) {
                case String s -> node.put(key, s);
                case Integer n -> node.put(key, n);
                case Boolean b -> node.put(key, b);
                case List<?> list -> {
                    ArrayNode array = node.putArray(key);
                    list.forEach(e -> array.add((String) e));
                }
                default -> throw new IllegalArgumentException("unsupported value " + keysAndValues[i + 1]);
            }
        }
        return node;
    }
}
