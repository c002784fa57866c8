package dev.jaccel.deviceplugin.prefer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;

/**
 * Picks {@code k} of the candidates to join a fixed set so that the sum of the pairwise scores of
 * the whole set is highest; ties go to the earliest candidates. Devices are numbered by the
 * caller; {@code score} takes two such numbers.
 * Exhaustive while the number of combinations is small (8 GPUs choose 4 is 70), greedy beyond.
 */
final class SubsetSearch {
    static final long EXHAUSTIVE_LIMIT = 20_000;

    private SubsetSearch() {
    }

    /**
     * @param fixed      devices already in the set (must-include), scored with the chosen ones
     * @param candidates devices to choose from, in order of preference for ties
     * @param score      pairwise score of two devices
     * @return the chosen devices, in candidate order
     */
    static int[] best(int[] fixed, int[] candidates, int k, IntBinaryOperator score) {
        int n = candidates.length;
        if (k <= 0) {
            return new int[0];
        }
        if (k >= n) {
            return candidates.clone();
        }
        IntBinaryOperator byPosition = (a, b) -> score.applyAsInt(a < 0 ? fixed[-a - 1] : candidates[a],
                b < 0 ? fixed[-b - 1] : candidates[b]);
        int[] fixedPositions = new int[fixed.length];
        for (int i = 0; i < fixed.length; i++) {
            fixedPositions[i] = -i - 1;
        }
        int[] picked = combinations(n, k) <= EXHAUSTIVE_LIMIT ? exhaustive(fixedPositions, n, k, byPosition)
                : greedy(fixedPositions, n, k, byPosition);
        int[] out = new int[picked.length];
        for (int i = 0; i < picked.length; i++) {
            out[i] = candidates[picked[i]];
        }
        return out;
    }

    static long combinations(int n, int k) {
        long c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
            if (c > EXHAUSTIVE_LIMIT) {
                return c;
            }
        }
        return c;
    }

    private static int[] exhaustive(int[] fixed, int n, int k, IntBinaryOperator score) {
        int[] pick = new int[k];
        for (int i = 0; i < k; i++) {
            pick[i] = i;
        }
        int[] best = pick.clone();
        long bestScore = Long.MIN_VALUE;
        while (true) {
            long s = total(fixed, pick, score);
            if (s > bestScore) {   // strictly better: the first (lowest) combination wins ties
                bestScore = s;
                System.arraycopy(pick, 0, best, 0, k);
            }
            int i = k - 1;
            while (i >= 0 && pick[i] == n - k + i) {
                i--;
            }
            if (i < 0) {
                return best;
            }
            pick[i]++;
            for (int j = i + 1; j < k; j++) {
                pick[j] = pick[j - 1] + 1;
            }
        }
    }

    private static long total(int[] fixed, int[] pick, IntBinaryOperator score) {
        long s = 0;
        for (int i = 0; i < pick.length; i++) {
            for (int f : fixed) {
                s += score.applyAsInt(f, pick[i]);
            }
            for (int j = i + 1; j < pick.length; j++) {
                s += score.applyAsInt(pick[i], pick[j]);
            }
        }
        return s;
    }

    /** Adds, one at a time, the candidate that scores best with what is chosen so far. */
    private static int[] greedy(int[] fixed, int n, int k, IntBinaryOperator score) {
        boolean[] taken = new boolean[n];
        List<Integer> chosen = new ArrayList<>();
        for (int step = 0; step < k; step++) {
            int bestIndex = -1;
            long bestScore = Long.MIN_VALUE;
            for (int c = 0; c < n; c++) {
                if (taken[c]) {
                    continue;
                }
                long s = 0;
                for (int f : fixed) {
                    s += score.applyAsInt(f, c);
                }
                for (int o : chosen) {
                    s += score.applyAsInt(o, c);
                }
                if (s > bestScore) {
                    bestScore = s;
                    bestIndex = c;
                }
            }
            taken[bestIndex] = true;
            chosen.add(bestIndex);
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
