package dev.munero.cli.agent;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A small real Maven project for the agent's end-to-end tests: {@code calc.Calc.add} returns {@code a - b}, so
 * {@code calc.CalcTest} (asserting {@code add(2, 3) == 5}) fails until the bug is fixed. Its {@code munero.yaml}
 * has one step, {@code test}, running {@code mvn -q -B -o test}, the target of the agent's {@code build} tool, and
 * {@code .mvn/jvm.config} tunes Maven's JVM for a quick start.
 *
 * <p>The plugin and JUnit versions are the ones Munero's own build uses (root {@code pom.xml}: junit-bom 6.1.3,
 * compiler 3.15.0, surefire 3.5.4, resources 3.3.1), so the offline build finds them in {@code ~/.m2} after the
 * root build has run. The resources plugin is pinned too: the default the installed Maven binds may not be there.
 */
public final class CalcProject {
    /** The source file the agent must fix, relative to the project root. */
    public static final String CALC = "src/main/java/calc/Calc.java";
    public static final String CALC_TEST = "src/test/java/calc/CalcTest.java";
    /** The buggy expression in {@link #CALC}, and its fix. */
    public static final String BUG = "a - b";
    public static final String FIX = "a + b";
    /** Compiling and testing this project takes a few seconds; anything far beyond that is a hang. */
    private static final long MAVEN_TIMEOUT_SECONDS = 600;

    private CalcProject() {
    }

    /** Writes the project under {@code root} (created if needed) and returns {@code root}. */
    public static Path generate(Path root) throws IOException {
        write(root, "pom.xml", """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>e2e</groupId>
                  <artifactId>calc</artifactId>
                  <version>1.0</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>org.junit</groupId><artifactId>junit-bom</artifactId><version>6.1.3</version>
                        <type>pom</type><scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                    <dependency>
                      <groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><scope>test</scope>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId>
                        <version>3.3.1</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId>
                        <version>3.15.0</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId>
                        <version>3.5.4</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """);
        write(root, CALC, """
                package calc;

                public final class Calc {
                    private Calc() {
                    }

                    public static int add(int a, int b) {
                        return a - b;
                    }
                }
                """);
        write(root, CALC_TEST, """
                package calc;

                import static org.junit.jupiter.api.Assertions.assertEquals;

                import org.junit.jupiter.api.Test;

                class CalcTest {
                    @Test
                    void addsTwoNumbers() {
                        assertEquals(5, Calc.add(2, 3));
                    }
                }
                """);
        // Maven's own JVM starts about a second faster this way; each test runs Maven several times
        write(root, ".mvn/jvm.config", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC\n");
        write(root, "munero.yaml", """
                steps:
                  - name: test
                    command: [mvn, -q, -B, -o, test]
                    inputs: [pom.xml, src/**]
                """);
        return root;
    }

    /** Whether {@code mvn} is an executable on this process's {@code PATH}. */
    public static boolean mavenOnPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "mvn");
            if (!dir.isEmpty() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code mvn -q -B -o test} in {@code root} as its own process, independently of Munero.
     *
     * @param environment the process's whole environment
     * @return the exit code and the combined output
     */
    public static Result runMavenTest(Path root, Map<String, String> environment) throws IOException,
            InterruptedException {
        Path log = Files.createTempFile("mvn-test", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of("mvn", "-q", "-B", "-o", "test")).directory(root.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().clear();
            pb.environment().putAll(environment);
            Process process = pb.start();
            process.getOutputStream().close();
            if (!process.waitFor(MAVEN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("mvn test in " + root + " did not end within " + MAVEN_TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** What {@link #runMavenTest} saw. */
    public record Result(int exitCode, String output) {
    }

    private static void write(Path root, String relative, String text) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
