package dev.munero.core.git;

import java.util.List;

/** How {@link Git#merge} ended: a merge commit, or a conflict that was aborted. */
public sealed interface MergeResult {

    /**
     * The branch is merged.
     *
     * @param commit full sha of the new {@code HEAD}: the merge commit, or the unchanged {@code HEAD} when the branch
     *               was already contained in it
     */
    record Merged(String commit) implements MergeResult {
        public Merged {
            if (!Git.isSha(commit)) {
                throw new IllegalArgumentException("not a full commit sha: '" + commit + "'");
            }
        }
    }

    /**
     * The merge conflicted and was aborted: the worktree is clean at its previous {@code HEAD}.
     *
     * @param files  the conflicted paths, relative to the worktree root, at least one
     * @param detail what git printed about the merge (its {@code CONFLICT (...)} lines), for a person or a model
     */
    record Conflict(List<String> files, String detail) implements MergeResult {
        public Conflict {
            files = List.copyOf(files);
            if (files.isEmpty()) {
                throw new IllegalArgumentException("a conflict names at least one file; detail: " + detail);
            }
            if (detail == null) {
                throw new IllegalArgumentException("a conflict's detail must not be null (files " + files + ")");
            }
        }
    }
}
