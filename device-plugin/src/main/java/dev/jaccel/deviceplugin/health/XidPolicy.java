package dev.jaccel.deviceplugin.health;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which XIDs make a GPU unhealthy. By default every XID except the application errors NVIDIA's
 * device plugin ignores (NVIDIA/k8s-device-plugin {@code internal/rm/health.go}): 13 graphics
 * engine exception, 31 GPU memory page fault, 43 GPU stopped processing, 45 preemptive cleanup,
 * 68 video processor exception, 109 context switch timeout. NVIDIA's variables tune it the same
 * way: {@code DP_DISABLE_HEALTHCHECKS} ({@code all} or {@code xids}: ignore every XID; else a
 * comma list of more XIDs to ignore) and {@code DP_ENABLE_HEALTHCHECKS} (XIDs that count even if
 * ignored otherwise).
 */
public final class XidPolicy {
    public static final Set<Long> APPLICATION_XIDS = Set.of(13L, 31L, 43L, 45L, 68L, 109L);
    public static final String DISABLE = "DP_DISABLE_HEALTHCHECKS";
    public static final String ENABLE = "DP_ENABLE_HEALTHCHECKS";

    private final boolean ignoreAll;
    private final Set<Long> ignored;
    private final Set<Long> enabled;

    private XidPolicy(boolean ignoreAll, Set<Long> ignored, Set<Long> enabled) {
        this.ignoreAll = ignoreAll;
        this.ignored = Set.copyOf(ignored);
        this.enabled = Set.copyOf(enabled);
    }

    public static XidPolicy fromEnv(Map<String, String> env) {
        Set<Long> ignored = new HashSet<>(APPLICATION_XIDS);
        Set<Long> enabled = new HashSet<>();
        boolean all = parse(env.get(DISABLE), ignored);
        parse(env.get(ENABLE), enabled);
        return new XidPolicy(all, ignored, enabled);
    }

    /** Adds the XIDs of a comma list to {@code into}; true when the list says {@code all}/{@code xids}. */
    private static boolean parse(String list, Set<Long> into) {
        boolean all = false;
        if (list == null) {
            return false;
        }
        for (String part : list.toLowerCase(Locale.ROOT).split(",")) {
            String p = part.strip();
            if (p.equals("all") || p.equals("xids")) {
                all = true;
            } else if (!p.isEmpty()) {
                try {
                    into.add(Long.parseLong(p));
                } catch (NumberFormatException e) {
                    // NVIDIA's plugin skips a malformed entry too
                }
            }
        }
        return all;
    }

    /** Whether this XID marks its GPU (or MIG device) unhealthy. */
    public boolean critical(long xid) {
        if (enabled.contains(xid)) {
            return true;
        }
        return !ignoreAll && !ignored.contains(xid);
    }

    /** Whether no XID can ever count (no event monitoring is needed). */
    public boolean ignoresEverything() {
        return ignoreAll && enabled.isEmpty();
    }
}
