package dev.munero.mcp;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import dev.munero.core.events.RunEvents;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two resource templates: {@code munero://runs/{id}/report} (the run report a session writes when it ends,
 * {@code .munero/reports/run-ID.json}; before that, the metrics folded from the run's log so far) and
 * {@code munero://builds/{build}/steps/{step}/log} (a step's log from a build). A resource has no {@code isError}:
 * a failure is a JSON-RPC error with the CLI's message (-32002 "resource not found" for NOT_FOUND, -32602 for bad
 * input, -32603 otherwise). Thread-safe.
 */
final class McpResources {
    static final String RUN_REPORT = "munero://runs/{id}/report";
    static final String STEP_LOG = "munero://builds/{build}/steps/{step}/log";
    /** Spec 2025-11-25, "Resources", error handling: resource not found. */
    static final int RESOURCE_NOT_FOUND = -32002;

    private static final Pattern REPORT = Pattern.compile("munero://runs/([^/]+)/report");
    private static final Pattern LOG = Pattern.compile("munero://builds/([^/]+)/steps/([^/]+)/log");

    private final McpBackend backend;

    McpResources(McpBackend backend) {
        this.backend = backend;
    }

    List<SyncResourceTemplateSpecification> specifications() {
        return List.of(
                new SyncResourceTemplateSpecification(McpSchema.ResourceTemplate.builder().uriTemplate(RUN_REPORT)
                        .name("run-report").description("A run's report (JSON).").mimeType("application/json").build(),
                        (exchange, request) -> read(exchange.transportContext(), request.uri())),
                new SyncResourceTemplateSpecification(McpSchema.ResourceTemplate.builder().uriTemplate(STEP_LOG)
                        .name("step-log").description("A build step's log.").mimeType("text/plain").build(),
                        (exchange, request) -> read(exchange.transportContext(), request.uri())));
    }

    private McpSchema.ReadResourceResult read(io.modelcontextprotocol.common.McpTransportContext context, String uri) {
        if (!MuneroMcpServer.allowed(context, McpRole.VIEWER)) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST).message("reading " + uri + " needs the "
                    + "viewer role; this token has none").build();
        }
        try {
            Matcher m = REPORT.matcher(uri);
            if (m.matches()) {
                return text(uri, "application/json", report(decode(m.group(1))));
            }
            m = LOG.matcher(uri);
            if (m.matches()) {
                return text(uri, "text/plain", backend.builds().stepLog(decode(m.group(1)), decode(m.group(2)), 0));
            }
            throw AppException.notFound("no resource " + uri + "; the templates are " + RUN_REPORT + " and "
                    + STEP_LOG);
        } catch (AppException e) {
            int code = switch (e.kind()) {
                case NOT_FOUND -> RESOURCE_NOT_FOUND;
                case INVALID -> McpSchema.ErrorCodes.INVALID_PARAMS;
                default -> McpSchema.ErrorCodes.INTERNAL_ERROR;
            };
            throw McpError.builder(code).message(e.getMessage()).data(uri).build();
        }
    }

    private String report(String id) {
        Runs runs = backend.runs().existing();
        Runs.Summary run = runs.summary(id); // NOT_FOUND with the CLI's message
        Path file = runs.reportFile(id);
        if (Files.isRegularFile(file)) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw AppException.unavailable("cannot read the run report " + file + ": " + e.getMessage(), e);
            }
        }
        var json = RunEvents.JSON.createObjectNode().put("run", id).put("state", run.state())
                .put("note", "no session of this run has ended yet; these are its metrics so far");
        json.set("metrics", RunEvents.JSON.valueToTree(runs.report(id)));
        return RunEvents.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    }

    private static McpSchema.ReadResourceResult text(String uri, String mime, String text) {
        return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(uri, mime, text)));
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
}
