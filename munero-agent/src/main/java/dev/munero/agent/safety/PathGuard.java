package dev.munero.agent.safety;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Resolves the paths the model gives to real paths inside the workspace, so that no tool reads or writes outside
 * it.
 *
 * <p>A path may be relative to the workspace root or absolute; it is normalised (so {@code a/../b} is {@code b})
 * and must stay under the root. Then every symbolic link on it is resolved — in the path's existing part, and
 * for a dangling link, through its target — and the resulting real path must be under the root's real path too.
 * A path that does not exist yet (a file about to be written) is judged by the real path of its nearest existing
 * ancestor. Writes are never allowed inside a {@code .git} directory, at any depth.
 *
 * <p>Tools must use the returned path, not the text they were given: it names the same file the check was made
 * on. Between the check and the use another process could still swap a directory for a link; the guard stops the
 * model's mistakes, and {@code --sandbox} contains what a command does.
 *
 * <p>Immutable and thread-safe.
 */
public final class PathGuard {
    private static final int MAX_LINK_HOPS = 40;
    private final Path root;
    private final Path given;

    /**
     * @param workspace the workspace root, an existing directory
     * @throws IOException when it does not exist or its real path cannot be read
     */
    public PathGuard(Path workspace) throws IOException {
        this.given = workspace.toAbsolutePath().normalize();
        this.root = given.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(workspace.toString(), null, "the workspace is not a directory");
        }
    }

    /** The workspace root, as a real path (no symbolic links). */
    public Path root() {
        return root;
    }

    /**
     * The real path of {@code path}, for reading.
     *
     * @param path relative to the workspace root, or absolute inside it; blank means the root
     * @return an absolute path under {@link #root()} (or the root itself) with no symbolic links in its existing part
     * @throws PathEscapeException when the path is malformed or leads outside the workspace
     */
    public Path resolve(String path) throws PathEscapeException {
        String text = path == null || path.isBlank() ? "." : path.strip();
        Path candidate;
        try {
            Path p = Path.of(text);
            candidate = (p.isAbsolute() ? p : root.resolve(p)).normalize();
        } catch (InvalidPathException e) {
            throw new PathEscapeException("invalid path '" + text + "': " + e.getReason());
        }
        if (candidate.startsWith(given) && !given.equals(root)) {
            // an absolute path spelled with the workspace's own (symlinked) location
            candidate = root.resolve(given.relativize(candidate));
        }
        if (!candidate.startsWith(root)) {
            throw new PathEscapeException("path '" + text + "' is outside the workspace " + root
                    + "; use a path relative to the workspace");
        }
        Path real;
        try {
            real = realPath(candidate, 0);
        } catch (IOException e) {
            throw new PathEscapeException("cannot resolve path '" + text + "' in the workspace " + root + ": "
                    + describe(e));
        }
        if (!real.startsWith(root)) {
            throw new PathEscapeException("path '" + text + "' leads through a symbolic link to " + real
                    + ", outside the workspace " + root);
        }
        return real;
    }

    /**
     * The real path of {@code path}, for writing: like {@link #resolve}, and never inside {@code .git}.
     *
     * @throws PathEscapeException when the path is malformed, leads outside the workspace or into {@code .git}
     */
    public Path resolveForWrite(String path) throws PathEscapeException {
        Path real = resolve(path);
        for (Path part : root.relativize(real)) {
            if (part.toString().equals(".git")) {
                throw new PathEscapeException("path '" + path + "' is inside .git, which the agent may not write");
            }
        }
        return real;
    }

    /** {@code real} relative to the root with {@code /} separators, {@code .} for the root itself; for messages. */
    public String display(Path real) {
        String rel = root.relativize(real).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel;
    }

    /** Resolves every link in the existing part of {@code p} (absolute, normalised); the rest is appended. */
    private static Path realPath(Path p, int hops) throws IOException {
        if (hops > MAX_LINK_HOPS) {
            throw new FileSystemException(p.toString(), null, "too many levels of symbolic links");
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(p) && !Files.exists(p)) {
                // dangling: writing through it would create its target, so judge the target
                Path target = p.getParent().toRealPath().resolve(Files.readSymbolicLink(p)).normalize();
                return realPath(target, hops + 1);
            }
            return p.toRealPath();
        }
        Path parent = p.getParent();
        return parent == null ? p : realPath(parent, hops).resolve(p.getFileName());
    }

    private static String describe(IOException e) {
        return e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
    }
}
