package dev.munero.engine.detect;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.detect.MavenPom.Coordinates;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detects one Maven reactor: the pom.xml at the root or, when there is none, the shallowest pom.xml
 * (ties broken by path), plus every module it lists, recursively through nested aggregators.
 *
 * <p>Each module gets {@code <artifactId>:build}, running {@code mvn -B -q install -DskipTests -pl <dir>}
 * from the reactor root ({@code -N} instead of {@code -pl} for the reactor root's own pom), so that the
 * modules after it resolve it from the local repository. {@code ./mvnw} replaces {@code mvn} when the
 * reactor root has an executable mvnw. A build depends on the build steps of the reactor modules it
 * names as dependency, plugin or extension, and on its parent's (a child needs its parent pom
 * installed). Modules with {@code src/test} also get {@code <artifactId>:test}, running
 * {@code verify} on that module after its own build.
 *
 * <p>Build steps carry a {@link StepSpec.MavenBatch}: when several modules of the reactor miss the cache at once,
 * the engine builds them in one {@code mvn install -pl m1,m2,...} instead of one Maven per module.
 *
 * <p>Limitations: profiles are not read (modules and dependencies declared in a profile are missed);
 * {@code ${...}} in dependency coordinates is resolved only from {@code project.*} values and the
 * {@code <properties>} of the pom and its parents within the reactor; poms below the reactor that it
 * does not list (test fixtures, samples) are ignored.
 *
 * <p>Stateless and thread-safe.
 */
final class MavenDetector implements Detector {

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    @Override
    public String id() {
        return "maven";
    }

    @Override
    public Set<String> buildFileNames() {
        return Set.of("pom.xml");
    }

    @Override
    public Detection scan(RepoTree tree) throws DetectionException {
        List<Path> poms = tree.files("pom.xml");
        if (poms.isEmpty()) {
            return new Detection(List.of(), List.of());
        }
        List<String> warnings = new ArrayList<>();
        Path rootPom = poms.get(0);
        Map<Path, MavenPom> reactor = loadReactor(tree, rootPom, warnings);
        for (Path other : poms.subList(1, poms.size())) {
            if (RepoTree.depth(other) == RepoTree.depth(rootPom) && !reactor.containsKey(other)) {
                warnings.add(RelPaths.str(other) + " is not a module of the Maven reactor at " + RelPaths.str(rootPom)
                        + "; only that reactor is built (describe the other one in a munero.yaml)");
            }
        }
        return new Detection(new Reactor(tree, rootPom, reactor).steps(), warnings);
    }

    private static Map<Path, MavenPom> loadReactor(RepoTree tree, Path rootPom, List<String> warnings)
            throws DetectionException {
        Map<Path, MavenPom> poms = new LinkedHashMap<>();
        Deque<Path> queue = new ArrayDeque<>(List.of(rootPom));
        while (!queue.isEmpty()) {
            Path file = queue.removeFirst();
            if (poms.containsKey(file)) {
                continue;
            }
            MavenPom pom = MavenPom.read(tree, file);
            poms.put(file, pom);
            for (String module : pom.modules()) {
                Path target = RelPaths.resolveWithin(pom.dir(), module);
                if (target == null) {
                    warnings.add(RelPaths.str(file) + " lists module '" + module + "' outside the repository; skipped it");
                } else if (tree.isDirectory(target) && tree.isFile(target.resolve("pom.xml"))) {
                    queue.addLast(target.resolve("pom.xml"));
                } else if (tree.isFile(target)) {
                    queue.addLast(target);
                } else {
                    warnings.add(RelPaths.str(file) + " lists module '" + module + "' but "
                            + RelPaths.str(target.resolve("pom.xml")) + " does not exist; skipped it");
                }
            }
        }
        return poms;
    }

    /** The step graph of one loaded reactor. */
    private static final class Reactor {
        private final RepoTree tree;
        private final Path rootDir;
        private final Map<Path, MavenPom> poms;
        private final Map<Coordinates, MavenPom> byCoordinates = new HashMap<>();
        private final Map<String, List<MavenPom>> byArtifactId = new HashMap<>();
        private final Map<MavenPom, String> names;
        private final String mvn;

        Reactor(RepoTree tree, Path rootPom, Map<Path, MavenPom> poms) {
            this.tree = tree;
            this.rootDir = RelPaths.parentOf(rootPom);
            this.poms = poms;
            for (MavenPom pom : poms.values()) {
                byCoordinates.putIfAbsent(pom.coordinates(), pom);
                byArtifactId.computeIfAbsent(pom.artifactId(), a -> new ArrayList<>()).add(pom);
            }
            Map<MavenPom, String> preferred = new LinkedHashMap<>();
            poms.values().forEach(p -> preferred.put(p, p.artifactId()));
            this.names = StepNames.unique(preferred, p -> p.groupId() + ":" + p.artifactId());
            this.mvn = tree.isExecutable(rootDir.resolve("mvnw")) ? "./mvnw" : "mvn";
        }

        List<StepSpec> steps() {
            List<StepSpec> steps = new ArrayList<>();
            for (MavenPom pom : poms.values()) {
                boolean isRoot = pom.dir().equals(rootDir);
                String name = names.get(pom);
                List<String> select = isRoot ? List.of("-N") : List.of("-pl", selector(pom.dir()));
                List<String> inputs = inputs(pom);

                Set<String> deps = new TreeSet<>();
                for (Coordinates c : pom.dependencies()) {
                    reactorModule(pom, c).filter(m -> m != pom).ifPresent(m -> deps.add(names.get(m) + ":build"));
                }
                parentInReactor(pom).ifPresent(p -> deps.add(names.get(p) + ":build"));

                List<String> build = new ArrayList<>(List.of(mvn, "-B", "-q", "install", "-DskipTests"));
                build.addAll(select);
                // Maven's summary names a module by its <name> (interpolated); an unresolved one never matches
                String displayName = pom.name().isEmpty() ? pom.artifactId() : pom.name();
                steps.add(StepSpec.builder(name + ":build", new Command.Argv(build))
                        .cwd(RelPaths.str(rootDir))
                        .packageDir(RelPaths.str(pom.dir()))
                        .dependsOn(List.copyOf(deps))
                        .inputs(inputs)
                        .outputs(pom.isPomPackaging() ? List.of() : List.of(glob(pom.dir(), "target/**")))
                        .batch(new StepSpec.MavenBatch(RelPaths.str(rootDir), List.of(mvn, "-B", "install", "-DskipTests"),
                                isRoot ? "." : selector(pom.dir()), pom.artifactId(), displayName))
                        .build());

                if (tree.isDirectory(pom.dir().resolve("src/test"))) {
                    List<String> test = new ArrayList<>(List.of(mvn, "-B", "-q"));
                    test.addAll(select);
                    test.add("verify");
                    steps.add(StepSpec.builder(name + ":test", new Command.Argv(test))
                            .cwd(RelPaths.str(rootDir))
                            .packageDir(RelPaths.str(pom.dir()))
                            .dependsOn(List.of(name + ":build"))
                            .inputs(inputs)
                            .outputs(List.of(glob(pom.dir(), "target/surefire-reports/**")))
                            .build());
                }
            }
            steps.sort(Comparator.comparing(StepSpec::name));
            return steps;
        }

        private List<String> inputs(MavenPom pom) {
            Set<String> inputs = new LinkedHashSet<>();
            inputs.add(glob(pom.file()));
            inputs.add(glob(pom.dir(), "src/**"));
            Set<MavenPom> seen = new HashSet<>(Set.of(pom));
            for (Optional<MavenPom> p = parentInReactor(pom); p.isPresent() && seen.add(p.get()); p = parentInReactor(p.get())) {
                inputs.add(glob(p.get().file()));
            }
            // maven.config, jvm.config and extensions.xml change how every module builds.
            inputs.add(glob(rootDir, ".mvn/**"));
            return List.copyOf(inputs);
        }

        /** The -pl argument: the module directory relative to the reactor root. */
        private String selector(Path dir) {
            return RelPaths.str(rootDir.relativize(dir));
        }

        /** A glob relative to the reactor root (the cwd), or root-anchored for a module outside it. */
        private String glob(Path dir, String glob) {
            return RelPaths.from(rootDir, dir, glob);
        }

        private String glob(Path file) {
            Path parent = RelPaths.parentOf(file);
            return glob(parent, file.getFileName().toString());
        }

        private Optional<MavenPom> parentInReactor(MavenPom pom) {
            return pom.parent().flatMap(c -> reactorModule(pom, c)).filter(p -> p != pom);
        }

        private Optional<MavenPom> reactorModule(MavenPom from, Coordinates c) {
            String groupId = resolve(c.groupId(), from, 0);
            String artifactId = resolve(c.artifactId(), from, 0);
            MavenPom exact = byCoordinates.get(new Coordinates(groupId, artifactId));
            if (exact != null) {
                return Optional.of(exact);
            }
            List<MavenPom> sameArtifact = byArtifactId.getOrDefault(artifactId, List.of());
            // An unresolvable groupId property still identifies the module when its artifactId is unique.
            if (groupId.contains("${") && sameArtifact.size() == 1) {
                return Optional.of(sameArtifact.get(0));
            }
            return Optional.empty();
        }

        private String resolve(String value, MavenPom pom, int depth) {
            if (!value.contains("${") || depth > 8) {
                return value;
            }
            Matcher m = PROPERTY.matcher(value);
            String replaced = m.replaceAll(r -> Matcher.quoteReplacement(lookup(r.group(1), pom, depth)));
            return replaced.equals(value) ? value : resolve(replaced, pom, depth + 1);
        }

        private String lookup(String key, MavenPom pom, int depth) {
            String value = switch (key) {
                case "project.groupId", "pom.groupId", "groupId" -> pom.groupId();
                case "project.artifactId", "pom.artifactId", "artifactId" -> pom.artifactId();
                case "project.parent.groupId", "parent.groupId" -> pom.parent().map(Coordinates::groupId).orElse(null);
                default -> null;
            };
            if (value != null) {
                return resolve(value, pom, depth + 1);
            }
            Set<MavenPom> seen = new HashSet<>();
            for (MavenPom p = pom; p != null && seen.add(p); ) {
                if (p.properties().containsKey(key)) {
                    return resolve(p.properties().get(key), p, depth + 1);
                }
                MavenPom current = p;
                p = current.parent().map(c -> byCoordinates.get(c)).orElse(null);
            }
            return "${" + key + "}";
        }
    }
}
