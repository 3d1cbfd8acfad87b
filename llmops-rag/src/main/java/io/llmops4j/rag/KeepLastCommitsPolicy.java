package io.llmops4j.rag;

import java.util.List;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexDeletionPolicy;

/** Keeps the newest {@code retained} commits (the index versions) and deletes older ones. */
final class KeepLastCommitsPolicy extends IndexDeletionPolicy {
    private final int retained;

    KeepLastCommitsPolicy(int retained) {
        this.retained = retained;
    }

    @Override
    public void onInit(List<? extends IndexCommit> commits) {
        onCommit(commits);
    }

    @Override
    public void onCommit(List<? extends IndexCommit> commits) {
        // Lucene passes the commits sorted oldest first.
        for (int i = 0; i < commits.size() - retained; i++) {
            commits.get(i).delete();
        }
    }
}
