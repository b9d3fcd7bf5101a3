package dev.munero.core.swarm;

import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.Tools;
import dev.munero.core.config.SettingsException;
import dev.munero.core.plan.Roster;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.ConfigValue;
import dev.munero.llm.ModelRef;
import dev.munero.memory.tools.MemoryTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Reads the agent profiles of {@code munero run} from the top-level {@code agents:} list of a repository's
 * munero.yaml (issue 14). The engine's schema has already checked each entry's shape (the keys, their types, a name
 * and a role of the allowed form, {@code max_concurrent} at least 1); this checks what a schema cannot: names unique,
 * a {@code model} of the form {@code provider:model}, each {@code tools} entry a tool Munero's task agents have
 * (the built-in tools of {@link Tools#standard()}, the memory tools, or an MCP tool {@code mcp__SERVER__TOOL}).
 *
 * <p>Without the list (or without munero.yaml) a run has {@link AgentProfile#DEFAULT} alone.
 *
 * <p>Stateless; thread-safe.
 */
public final class AgentProfiles {
    /** The prefix of MCP tools' names, whose servers are only known when a run starts them. */
    public static final String MCP_PREFIX = "mcp__";

    private AgentProfiles() {
    }

    /**
     * The profiles declared in {@code repo}'s munero.yaml, in declaration order.
     *
     * @param repo the repository root; its munero.yaml may be absent
     * @return the declared profiles; {@code [AgentProfile.DEFAULT]} when there is no {@code agents:} list (or it is
     *         empty)
     * @throws SettingsException when munero.yaml is invalid (the engine's problems with file:line:col), or a profile
     *                           cannot be used: {@code munero.yaml:LINE: agents[N] (NAME).FIELD: what is wrong; what
     *                           to do}
     */
    public static List<AgentProfile> load(Path repo) throws SettingsException {
        Path file = repo.resolve(ConfigLoader.FILE_NAME);
        if (!Files.exists(file)) {
            return List.of(AgentProfile.DEFAULT);
        }
        List<Map<String, ConfigValue>> items;
        try {
            items = ConfigLoader.items(file, "agents");
        } catch (ConfigException e) {
            throw new SettingsException(e.getMessage(), e);
        }
        if (items.isEmpty()) {
            return List.of(AgentProfile.DEFAULT);
        }
        Set<String> known = knownTools();
        Map<String, String> seen = new HashMap<>();
        List<AgentProfile> profiles = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Map<String, ConfigValue> item = items.get(i);
            ConfigValue name = item.get("name");
            String where = at(name);
            String subject = where + ": agents[" + i + "] (" + name.value().asString() + ")";
            String earlier = seen.putIfAbsent(name.value().asString(), where);
            if (earlier != null) {
                throw new SettingsException(subject + ".name: the name is already used by the profile at " + earlier
                        + "; give every profile its own name (e.g. coder-1, coder-2)");
            }
            String model = null;
            ConfigValue m = item.get("model");
            if (m != null) {
                try {
                    model = ModelRef.parse(m.value().asString()).toString();
                } catch (IllegalArgumentException e) {
                    throw new SettingsException(at(m) + ": agents[" + i + "] (" + name.value().asString()
                            + ").model: " + e.getMessage(), e);
                }
            }
            List<String> tools = strings(item.get("tools"));
            for (String tool : tools) {
                if (!known.contains(tool) && !(tool.startsWith(MCP_PREFIX) && tool.length() > MCP_PREFIX.length())) {
                    throw new SettingsException(at(item.get("tools")) + ": agents[" + i + "] (" + name.value()
                            .asString() + ").tools: no tool is named '" + tool + "'; the tools are " + String.join(
                            ", ", new TreeSet<>(known)) + ", and MCP tools as mcp__SERVER__TOOL");
                }
            }
            ConfigValue max = item.get("max_concurrent");
            ConfigValue worker = item.get("worker"); // the schema checked the name (issue 15)
            profiles.add(new AgentProfile(name.value().asString(), item.get("role").value().asString(), model,
                    List.copyOf(new LinkedHashSet<>(tools)), List.copyOf(new LinkedHashSet<>(strings(item.get(
                    "skills")))), max == null ? 1 : max.value().asInt(), where,
                    worker == null ? null : worker.value().asString()));
        }
        if (taskRoles(profiles).isEmpty()) {
            throw new SettingsException(at(items.getFirst().get("name")) + ": agents: no profile takes tasks (planner "
                    + "and reviewer profiles do not); add one with another role, e.g. {name: coder-1, role: coder}");
        }
        return List.copyOf(profiles);
    }

    /** The tool names a profile's {@code tools} may list besides MCP tools: the built-in and the memory tools. */
    public static Set<String> knownTools() {
        Set<String> names = new LinkedHashSet<>();
        for (Tool t : Tools.standard()) {
            names.add(t.name());
        }
        names.addAll(List.of(MemoryTools.STORE, MemoryTools.SEARCH, MemoryTools.GET));
        return names;
    }

    /** Whether {@code role} takes tasks from the scheduler: every role but planner and reviewer. */
    public static boolean takesTasks(String role) {
        return Roster.takesTasks(role);
    }

    /** The roles of {@code profiles} that take tasks, each once, in declaration order. */
    public static List<String> taskRoles(List<AgentProfile> profiles) {
        return roster(profiles).taskRoles();
    }

    /** The profiles as the planner sees them; {@link Roster#NONE} for the default profile alone. */
    public static Roster roster(List<AgentProfile> profiles) {
        if (isDefault(profiles)) {
            return Roster.NONE;
        }
        return new Roster(profiles.stream().map(p -> new Roster.Member(p.name(), p.role(), p.skills())).toList());
    }

    /** The model of the first profile with role planner, if any: it plans and reflects instead of the run's. */
    public static java.util.Optional<String> plannerModel(List<AgentProfile> profiles) {
        return profiles.stream().filter(p -> p.role().equals("planner") && p.model() != null)
                .map(AgentProfile::model).findFirst();
    }

    /** Whether {@code profiles} is a run without an {@code agents:} section. */
    public static boolean isDefault(List<AgentProfile> profiles) {
        return profiles.equals(List.of(AgentProfile.DEFAULT));
    }

    private static String at(ConfigValue v) {
        return ConfigLoader.FILE_NAME + ":" + v.location().line();
    }

    private static List<String> strings(ConfigValue v) {
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : v.value()) {
            out.add(n.asString());
        }
        return out;
    }
}
