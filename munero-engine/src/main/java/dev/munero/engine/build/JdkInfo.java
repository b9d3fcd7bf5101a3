package dev.munero.engine.build;

import dev.munero.engine.exec.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which JDK a JVM build tool's step used, for its failure report (issue 9.1): a Maven or Gradle step that fails
 * because of its JDK ("enforcer: Java 25 is not in [17,22)") is only understood when the report names the JDK.
 *
 * <p>The JDK is the one the step's environment picks, as {@code mvn} and {@code gradle} pick it: {@code JAVA_HOME}
 * when set, else the {@code java} found on the step's {@code PATH} (symlinks resolved, as Debian's alternatives
 * link {@code /usr/bin/java} into the JDK). Its version comes from the JDK's {@code release} file
 * ({@code JAVA_VERSION="17.0.15"}), so no JVM is started. Stateless and thread-safe.
 */
final class JdkInfo {
    private static final Set<String> JVM_TOOLS = Set.of("mvn", "mvnw", "mvnd", "gradle", "gradlew");
    private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE);

    private JdkInfo() {
    }

    /**
     * @param argv the step's command line; its first element is the program, or {@code sh -c SCRIPT}
     * @param env  the environment the step ran with
     * @param cwd  the step's working directory, against which relative {@code PATH} entries resolve
     * @return e.g. {@code "JDK /usr/lib/jvm/java-17-openjdk-amd64 (17.0.15, from JAVA_HOME)"} when the step runs a
     *         JVM build tool (mvn, mvnw, mvnd, gradle, gradlew) and its JDK can be found; empty for other steps
     */
    static Optional<String> describe(List<String> argv, Map<String, String> env, Path cwd) {
        if (argv.isEmpty() || !runsJvmTool(argv)) {
            return Optional.empty();
        }
        String javaHome = env.get("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            return Optional.of("JDK " + javaHome + " (" + version(Path.of(javaHome)).map(v -> v + ", ").orElse("")
                    + "from JAVA_HOME)");
        }
        String java = ProcessRunner.resolveProgram("java", env, cwd);
        if (!java.equals("java")) {
            try {
                Path home = Path.of(java).toRealPath().getParent().getParent();
                return Optional.of("JDK " + home + " (" + version(home).map(v -> v + ", ").orElse("")
                        + "java on PATH; JAVA_HOME is not set)");
            } catch (IOException | NullPointerException e) {
                // a java that vanished or sits at the file system's root: say none was found
            }
        }
        return Optional.of("no JDK found: JAVA_HOME is not set and there is no java on the step's PATH");
    }

    private static boolean runsJvmTool(List<String> argv) {
        if (isJvmTool(argv.get(0))) {
            return true;
        }
        // a shell script: any word of it that names a JVM build tool
        if (argv.size() >= 3 && argv.get(1).equals("-c")) {
            for (String word : argv.get(2).split("[\\s;&|()]+")) {
                if (isJvmTool(word)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isJvmTool(String program) {
        int slash = program.lastIndexOf('/');
        return JVM_TOOLS.contains(slash < 0 ? program : program.substring(slash + 1));
    }

    private static Optional<String> version(Path home) {
        try {
            Matcher m = VERSION.matcher(Files.readString(home.resolve("release"), StandardCharsets.UTF_8));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
