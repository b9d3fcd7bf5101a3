package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Builds;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code munero graph}: prints the task graph. */
@Command(name = "graph", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the task graph: steps in dependency order with their dependencies.", ""})
final class GraphCommand implements Callable<Integer> {
    private final Invocation invocation;

    GraphCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    enum Format { text, dot, mermaid, json }

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Builds builds;
        Builds.Graph graph;
        try {
            builds = Builds.of(workspace.locate(invocation.cwd()), workspace.profile, BuildCommand.caches(invocation));
            Builds.Snapshot ws = builds.snapshot();
            ws.warnings().forEach(w -> err.println("munero: warning: " + w));
            graph = ws.graph(List.of());
        } catch (AppException e) {
            return BuildCommand.printError(err, e);
        }
        if (format == Format.text) {
            out.println("# workspace " + workspace.describe(invocation.cwd()));
        }
        out.print(switch (format) {
            case text -> text(graph);
            case json -> json(graph);
            case dot, mermaid -> builds.render(graph, format.name());
        });
        out.flush();
        return ExitCodes.OK;
    }

    private static String text(Builds.Graph g) {
        StringBuilder sb = new StringBuilder();
        String nl = System.lineSeparator();
        sb.append("# ").append(g.nodes().size()).append(" steps from ").append(g.origin()).append(nl);
        for (Builds.Node s : g.nodes()) {
            sb.append(s.name());
            if (!s.dependsOn().isEmpty()) {
                sb.append("  <- ").append(String.join(", ", s.dependsOn()));
            }
            sb.append(nl).append("    ").append(s.command());
            if (!".".equals(s.cwd())) {
                sb.append("   (in ").append(s.cwd()).append(')');
            }
            sb.append(nl);
        }
        return sb.toString();
    }

    private static String json(Builds.Graph g) {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (Builds.Node s : g.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("command", s.argv());
            m.put("cwd", s.cwd());
            m.put("dependsOn", s.dependsOn());
            m.put("inputs", s.inputs());
            m.put("outputs", s.outputs());
            steps.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("origin", g.origin());
        doc.put("steps", steps);
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(doc) + System.lineSeparator();
    }
}
