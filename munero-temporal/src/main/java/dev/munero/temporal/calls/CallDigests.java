package dev.munero.temporal.calls;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.record.CallCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The digests of one activity attempt's model calls (issue 16.2): equal for the same call of two attempts of the same
 * work, on any worker, so a retried attempt recognises the calls its dead predecessor completed.
 *
 * <p>What can differ between two attempts of the same work, and how the digest makes it stable:
 * <ul>
 *   <li>Where the attempt works: each attempt has its own worktree under its worker's work dir, whose path differs
 *       from worker to worker and holds the attempt's number. Every path under the work dir, wherever it appears
 *       (system prompt, messages, tool calls and results), becomes {@code <work-dir>} followed by its rest with each
 *       run of digits made {@code #}.</li>
 *   <li>What tools print that is not the conversation (durations, timestamps, process ids): every run of digits in a
 *       tool result becomes {@code #}, record/replay's rule ({@link CallCodec#digest}).</li>
 *   <li>Call ids, reservation ids and attempt numbers are not in the request at all.</li>
 * </ul>
 * The model, system prompt, tools, messages and max output tokens are otherwise compared exactly ({@link
 * CallCodec#digest}). Because a normalised request can occur twice in one attempt, the digest also covers its
 * occurrence: the n-th call with the same normalised request has its own digest.
 *
 * <p>Thread-safe; one instance per activity attempt (the occurrence counts are the attempt's).
 */
public final class CallDigests {
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    /** What ends a path in text: white space, quotes, brackets and the characters JSON and prose put after one. */
    private static final String PATH_REST = "[^\\s\"'`()\\[\\]{}<>,;]*";

    private final String model;
    private final Pattern workPaths;
    private final int dirLength;
    private final Map<String, Integer> seen = new HashMap<>();

    /**
     * @param model   the model's {@code provider:model}
     * @param workDir the worker's work dir, under which the attempt's worktree lives
     */
    public CallDigests(String model, Path workDir) {
        this.model = model;
        String dir = workDir.toAbsolutePath().normalize().toString();
        this.workPaths = Pattern.compile(Pattern.quote(dir) + "(?=/|$|[^\\w.-])" + PATH_REST);
        this.dirLength = dir.length();
    }

    /**
     * The digest of the next call with {@code request} (counting its occurrence in this attempt).
     *
     * @return 64 lower-case hex characters
     */
    public String next(ChatRequest request) {
        String normalised = CallCodec.digest(model, normalise(request), Map.of());
        int occurrence;
        synchronized (seen) {
            occurrence = seen.merge(normalised, 1, Integer::sum);
        }
        return CallCodec.sha256("munero-model-call/1 " + normalised + " " + occurrence);
    }

    ChatRequest normalise(ChatRequest request) {
        List<Message> messages = new ArrayList<>(request.messages().size());
        for (Message m : request.messages()) {
            List<ContentBlock> blocks = new ArrayList<>(m.content().size());
            for (ContentBlock b : m.content()) {
                blocks.add(switch (b) {
                    case ContentBlock.Text t -> new ContentBlock.Text(paths(t.text()));
                    case ContentBlock.ToolCall c -> new ContentBlock.ToolCall(c.id(), c.name(), paths(c.argumentsJson()));
                    case ContentBlock.ToolResult r -> new ContentBlock.ToolResult(r.toolCallId(), paths(r.content()),
                            r.error());
                });
            }
            messages.add(new Message(m.role(), blocks));
        }
        return new ChatRequest(paths(request.system()), messages, request.tools(), request.maxOutputTokens());
    }

    /** {@code text} with every path under the work dir made {@code <work-dir>} + its rest without digits. */
    String paths(String text) {
        Matcher m = workPaths.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        do {
            String rest = m.group().substring(dirLength);
            m.appendReplacement(out, Matcher.quoteReplacement("<work-dir>" + DIGITS.matcher(rest).replaceAll("#")));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }
}
