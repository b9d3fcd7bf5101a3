package dev.munero.llm.fake;

import java.util.ArrayList;
import java.util.List;

/**
 * One server-sent event as a test reads it back, per the HTML event-stream format
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation): {@code event} is
 * "" when the event has no {@code event:} line, and several {@code data:} lines are joined with "\n".
 */
public record SseEvent(String event, String data) {

    /** Parses a complete event stream; comments and fields other than event and data are skipped. */
    public static List<SseEvent> parse(String stream) {
        List<SseEvent> events = new ArrayList<>();
        String event = "";
        List<String> data = new ArrayList<>();
        for (String line : stream.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    events.add(new SseEvent(event, String.join("\n", data)));
                }
                event = "";
                data.clear();
            } else if (line.startsWith("event:")) {
                event = value(line, "event:");
            } else if (line.startsWith("data:")) {
                data.add(value(line, "data:"));
            }
        }
        return events;
    }

    private static String value(String line, String field) {
        String value = line.substring(field.length());
        return value.startsWith(" ") ? value.substring(1) : value;
    }
}
