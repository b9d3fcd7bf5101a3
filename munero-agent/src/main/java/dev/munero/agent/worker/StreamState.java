package dev.munero.agent.worker;

import dev.munero.llm.Usage;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.llm.pricing.ModelTable;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one CLI stream has said so far, for {@link StreamParser}s to fill and {@link CliWorker} to judge. One line at a
 * time goes through {@link #line(String, Consumer)}: a line that is not a JSON object with a {@code type} is counted
 * as malformed and reported as a {@link WorkerEvent.Note}, never thrown.
 *
 * <p>Not thread-safe: the one thread reading the stream owns it; {@link CliWorker} reads it after that thread ended.
 */
final class StreamState {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The stream's own verdict, from its final event. */
    enum Final { NONE, SUCCESS, ERROR, LIMIT }

    private final StreamParser parser;
    private final ModelTable prices;
    private final String pricingProvider;
    String sessionId;
    String model;
    Usage usage = Usage.ZERO;
    OptionalDouble reportedCostUsd = OptionalDouble.empty();
    int turns;
    String summary = "";
    Final verdict = Final.NONE;
    String verdictDetail = "";
    String lastError = "";
    int malformed;
    int lines;

    /**
     * @param parser          the CLI's event mapping
     * @param prices          the model table that prices usage a CLI reports without a cost
     * @param pricingProvider the provider prefix for the table ({@code anthropic}, {@code openai}); an unknown one
     *                        leaves usage unpriced
     * @param model           the model the task asked for, until the stream names its own
     */
    StreamState(StreamParser parser, ModelTable prices, String pricingProvider, Optional<String> model) {
        this.parser = parser;
        this.prices = prices;
        this.pricingProvider = pricingProvider;
        this.model = model.orElse(null);
    }

    /** Parses one line of stdout and hands the events it maps to {@code out}. */
    void line(String line, Consumer<WorkerEvent> out) {
        lines++;
        if (line.isBlank()) {
            return;
        }
        JsonNode event;
        try {
            event = JSON.readTree(line);
        } catch (JacksonException e) {
            malformed++;
            out.accept(new WorkerEvent.Note("warn", "line " + lines + " is not JSON, skipped: " + abbreviate(line)));
            return;
        }
        if (!event.isObject() || !event.path("type").isString()) {
            malformed++;
            out.accept(new WorkerEvent.Note("warn", "line " + lines + " is not an event (a JSON object with a "
                    + "\"type\"), skipped: " + abbreviate(line)));
            return;
        }
        try {
            parser.accept(event, this, out);
        } catch (RuntimeException e) {
            // a field of an unexpected shape: the line is recorded in stdout and the stream goes on
            malformed++;
            out.accept(new WorkerEvent.Note("warn", "line " + lines + " (" + event.path("type").asString()
                    + ") has an unexpected shape (" + e.getMessage() + "), skipped"));
        }
    }

    /** Notes an event type the parser does not know, as a debug note. */
    static void unknown(String what, Consumer<WorkerEvent> out) {
        out.accept(new WorkerEvent.Note("debug", "ignored unknown event " + what));
    }

    /** The cost so far: the CLI's own figure, else the usage priced with the table, else unknown. */
    OptionalDouble costUsd() {
        if (reportedCostUsd.isPresent()) {
            return reportedCostUsd;
        }
        return info().map(i -> i.cost(usage)).orElse(OptionalDouble.empty());
    }

    CostSource costSource() {
        if (reportedCostUsd.isPresent()) {
            return CostSource.REPORTED;
        }
        return costUsd().isPresent() ? CostSource.PRICED : CostSource.UNPRICED;
    }

    /** A usage update event for the state as it is now. */
    WorkerEvent.UsageUpdate usageUpdate() {
        return new WorkerEvent.UsageUpdate(usage, costUsd(), costSource());
    }

    /** Why the cost is unknown, for the result's detail; "" when it is known. */
    String unpricedReason() {
        if (costSource() != CostSource.UNPRICED) {
            return "";
        }
        return "the CLI reports no cost and Munero's model table has no price for "
                + (model == null ? "its default model" : pricingProvider + ":" + model)
                + " (add it to ~/.config/munero/models.toml)";
    }

    private Optional<ModelInfo> info() {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        int colon = model.indexOf(':');
        return (colon > 0 ? prices.find(model.substring(0, colon), model.substring(colon + 1))
                : prices.find(pricingProvider, model)).filter(ModelInfo::priced);
    }

    static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "... (" + oneLine.length() + " chars)";
    }

    /** The JSON text of a node, for tool inputs. */
    static String json(JsonNode node) {
        return node == null || node.isMissingNode() ? "{}" : JSON.writeValueAsString(node);
    }

    /** A tool result's content as text: a string, or the text blocks of an array joined by newlines. */
    static String text(JsonNode content) {
        if (content == null || content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.asString();
        }
        if (content.isArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonNode block : content) {
                if (block.isString()) {
                    append(out, block.asString());
                } else if (block.path("text").isString()) {
                    append(out, block.path("text").asString());
                }
            }
            return out.toString();
        }
        return json(content);
    }

    private static void append(StringBuilder out, String text) {
        if (!out.isEmpty()) {
            out.append('\n');
        }
        out.append(text);
    }
}
