package dev.jaccel.deviceplugin.health;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What is wrong with which physical unit (a GPU or MIG UUID, {@code neuron<N>}), by source: an
 * XID mark, a lost GPU, a vanished node. A unit is healthy when no source has a problem with it.
 * Every change is passed to the listeners (the ListAndWatch streams), once per actual change.
 */
public final class HealthBook {
    /** Sources of problems; each one sets and clears only its own entries. */
    public enum Source {
        /** a critical XID, kept as a mark file until an operator removes it ({@link HealthMarks}) */
        MARK,
        /** NVML says the GPU is lost, or no longer finds it */
        LOST,
        /** the device node or sysfs entry is gone */
        MISSING,
        /** NVML cannot deliver health events, so the GPU's health is unknown */
        EVENTS
    }

    private final Map<String, Map<Source, String>> problems = new HashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Records (reason non-null) or clears (null) one source's problem with a unit. */
    public void set(String unit, Source source, String reason) {
        boolean changed;
        synchronized (this) {
            Map<Source, String> p = problems.computeIfAbsent(unit, u -> new TreeMap<>());
            boolean before = p.isEmpty();
            String old = reason == null ? p.remove(source) : p.put(source, reason);
            changed = before != p.isEmpty() || (reason != null && !reason.equals(old));
            if (p.isEmpty()) {
                problems.remove(unit);
            }
        }
        if (changed) {
            listeners.forEach(Runnable::run);
        }
    }

    /** Replaces everything one source says: units absent from {@code now} are cleared of it. */
    public void replace(Source source, Map<String, String> now) {
        boolean changed = false;
        synchronized (this) {
            for (String unit : List.copyOf(problems.keySet())) {
                Map<Source, String> p = problems.get(unit);
                if (p.containsKey(source) && !now.containsKey(unit)) {
                    p.remove(source);
                    changed = true;
                    if (p.isEmpty()) {
                        problems.remove(unit);
                    }
                }
            }
            for (Map.Entry<String, String> e : now.entrySet()) {
                String old = problems.computeIfAbsent(e.getKey(), u -> new TreeMap<>()).put(source, e.getValue());
                changed |= !e.getValue().equals(old);
            }
        }
        if (changed) {
            listeners.forEach(Runnable::run);
        }
    }

    /** The first problem with any of the units, empty when all are healthy. */
    public synchronized Optional<String> problem(List<String> units) {
        for (String unit : units) {
            Map<Source, String> p = problems.get(unit);
            if (p != null && !p.isEmpty()) {
                return Optional.of(unit + ": " + p.values().iterator().next());
            }
        }
        return Optional.empty();
    }

    public boolean healthy(List<String> units) {
        return problem(units).isEmpty();
    }
}
