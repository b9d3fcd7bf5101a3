package dev.munero.agent.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/** The environment every CLI worker starts from: {@code PATH}, its own {@code HOME}, a locale, a dumb terminal. */
final class CliEnvironment {
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private CliEnvironment() {
    }

    /**
     * {@code PATH} (the task's, or a default), {@code HOME} = the task's home, {@code LANG}/{@code LC_ALL} when the task
     * has them, {@code TERM=dumb}, {@code NO_COLOR=1}, and each of {@code pass} that the task's environment holds.
     */
    static Map<String, String> base(WorkerTask task, String... pass) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", task.env().getOrDefault("PATH", DEFAULT_PATH));
        env.put("HOME", task.home().toString());
        env.put("TERM", "dumb");
        env.put("NO_COLOR", "1");
        for (String name : new String[] {"LANG", "LC_ALL", "TZ"}) {
            copy(task, env, name);
        }
        for (String name : pass) {
            copy(task, env, name);
        }
        return env;
    }

    private static void copy(WorkerTask task, Map<String, String> env, String name) {
        String value = task.env().get(name);
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }
}
