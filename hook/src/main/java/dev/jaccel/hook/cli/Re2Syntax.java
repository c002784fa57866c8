package dev.jaccel.hook.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a regular expression is one podman and CRI-O accept: they compile a hooks.d entry's
 * {@code when.annotations} patterns with Go's {@code regexp.Compile}, whose syntax is RE2's
 * (https://github.com/google/re2/wiki/Syntax; Go's {@code regexp/syntax} package documentation),
 * and a pattern it refuses makes every container start fail. Java's {@link java.util.regex.Pattern}
 * accepts much that RE2 refuses, so the pattern is read here the way Go's parser reads it (Perl
 * flags, as {@code regexp.Compile} sets them) and refused, with the construct named, where RE2
 * refuses:
 * <ul>
 *   <li>lookaround {@code (?=} {@code (?!} {@code (?<=} {@code (?<!}, atomic groups {@code (?>},
 *       comments {@code (?#}, conditionals and any other {@code (?} form but flags
 *       ({@code i m s U}, {@code -}), {@code (?:} and {@code (?P<name>};</li>
 *   <li>{@code (?<name>}: only Go 1.22 and later accept it (podman 4.x is built with older Go);</li>
 *   <li>backreferences ({@code \1} .. {@code \9}, {@code \k<name>}), and every escape RE2 does not
 *       define ({@code \Z}, {@code \G}, {@code \h}, {@code \R}, {@code \X}, {@code \e}, {@code \cX},
 *       {@code \C}, ...);</li>
 *   <li>possessive and other stacked quantifiers ({@code a*+}, {@code a++}, {@code a{2}*},
 *       {@code a**}) and a quantifier with nothing to repeat;</li>
 *   <li>counts above 1000 ({@code a{1001}}), also through nesting ({@code (a{100}){11}}), and
 *       groups nested more than 1000 deep;</li>
 *   <li>unknown POSIX classes ({@code [[:foo:]]}), unknown Unicode classes ({@code \p{Foo}}),
 *       reversed ranges ({@code [z-a]}), unbalanced brackets and parentheses.</li>
 * </ul>
 */
final class Re2Syntax {
    static final int MAX_REPEAT = 1000;
    static final int MAX_DEPTH = 1000;
    private static final Set<String> POSIX_CLASSES = Set.of("alnum", "alpha", "ascii", "blank", "cntrl", "digit",
            "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit");
    /** Go's unicode.Categories keys. */
    private static final Set<String> CATEGORIES = Set.of("C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt",
            "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S",
            "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs");
    private static final Set<String> SCRIPTS = scripts();

    private Re2Syntax() {
    }

    /** @throws IllegalArgumentException saying what RE2 refuses and where */
    static void check(String re) {
        for (int i = 0; i < re.length(); i++) {
            char c = re.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < re.length()
                    && Character.isLowSurrogate(re.charAt(++i)))) {
                throw new IllegalArgumentException("not valid UTF-8 (an unpaired surrogate)");
            }
        }
        new Parser(re).parse();
    }

    /**
     * What a repetition would apply to in the current group: {@code atom} is the weight of the
     * last element (the product of the counted repetitions inside it, which Go caps at 1000), or
     * -1 when there is none (start of group, after {@code |}).
     */
    private static final class Frame {
        int maxWeight;
        int atom = -1;
        boolean afterRepeat;

        void push(int weight) {
            close();
            atom = weight;
            afterRepeat = false;
        }

        void close() {
            maxWeight = Math.max(maxWeight, atom);
        }
    }

    private static final class Parser {
        private final String s;
        private int i;
        private final Deque<Frame> open = new ArrayDeque<>();
        private Frame f = new Frame();

        Parser(String s) {
            this.s = s;
        }

        void parse() {
            while (i < s.length()) {
                char c = s.charAt(i);
                switch (c) {
                    case '(' -> group();
                    case ')' -> {
                        if (open.isEmpty()) {
                            throw fail("unexpected ) at offset " + i);
                        }
                        f.close();
                        int weight = f.maxWeight;
                        f = open.pop();
                        f.push(weight);
                        i++;
                    }
                    case '|' -> {
                        f.close();
                        f.atom = -1;
                        f.afterRepeat = false;
                        i++;
                    }
                    case '*', '+', '?' -> {
                        repeat(String.valueOf(c));
                        i++;
                        lazy();
                    }
                    case '{' -> brace();
                    case '[' -> {
                        cls();
                        f.push(1);
                    }
                    case '\\' -> escape();
                    default -> {
                        f.push(1);
                        i += Character.charCount(s.codePointAt(i));
                    }
                }
            }
            if (!open.isEmpty()) {
                throw fail("missing closing )");
            }
        }

        private void lazy() {
            if (i < s.length() && s.charAt(i) == '?') {
                i++;
            }
        }

        /** A repetition operator {@code op} applies to the element before it. */
        private void repeat(String op) {
            if (f.afterRepeat) {
                throw fail("invalid nested repetition operator " + op + " at offset " + i
                        + (op.equals("+") ? " (possessive quantifiers such as a*+ and a++ are not RE2)"
                        : " (a quantifier cannot follow another: write (?:a*)* )"));
            }
            if (f.atom < 0) {
                throw fail("missing argument to repetition operator " + op + " at offset " + i);
            }
            f.afterRepeat = true;
        }

        private void group() {
            if (open.size() >= MAX_DEPTH) {
                throw fail("expression nests too deeply (more than " + MAX_DEPTH + " groups)");
            }
            if (s.startsWith("(?", i)) {
                perlGroup();
                return;
            }
            i++;
            openGroup();
        }

        private void openGroup() {
            f.afterRepeat = false;
            open.push(f);
            f = new Frame();
        }

        /** {@code (?flags)}, {@code (?flags:re)}, {@code (?P<name>re)}; everything else RE2 refuses. */
        private void perlGroup() {
            int start = i;
            if (s.startsWith("(?P<", i)) {
                int end = s.indexOf('>', i);
                String name = end < 0 ? "" : s.substring(i + 4, end);
                if (end < 0 || name.isEmpty() || !name.chars().allMatch(ch -> ch == '_' || isAlnum(ch))) {
                    throw fail("invalid named capture " + s.substring(start, end < 0 ? s.length() : end + 1)
                            + " (a name is letters, digits and _)");
                }
                i = end + 1;
                openGroup();
                return;
            }
            if (s.startsWith("(?<=", i) || s.startsWith("(?<!", i)) {
                throw fail("lookbehind " + s.substring(i, i + 4) + " is not RE2 syntax");
            }
            if (s.startsWith("(?<", i)) {
                throw fail("named group (?<name>...) is not understood by the Go that podman 4.x is built with; "
                        + "write (?P<name>...)");
            }
            String construct = switch (i + 2 < s.length() ? s.charAt(i + 2) : ' ') {
                case '=', '!' -> "lookahead";
                case '>' -> "atomic group";
                case '#' -> "comment";
                case '(' -> "conditional";
                case '|' -> "branch reset";
                case '\'' -> "named group (?'name')";
                case 'P' -> "(?P=name) backreference or (?P>name) recursion";
                case 'R', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '&' -> "recursion";
                default -> null;
            };
            i += 2;
            boolean negated = false;
            boolean sawFlag = false;
            while (i < s.length()) {
                char c = s.charAt(i++);
                switch (c) {
                    case 'i', 'm', 's', 'U' -> sawFlag = true;
                    case '-' -> {
                        if (negated) {
                            throw badPerl(start, construct);
                        }
                        negated = true;
                        sawFlag = false;
                    }
                    case ':', ')' -> {
                        if (negated && !sawFlag) {
                            throw badPerl(start, construct);
                        }
                        if (c == ':') {
                            openGroup();
                        } else {
                            f.afterRepeat = false;   // flags alone: the element before stays repeatable
                        }
                        return;
                    }
                    default -> throw badPerl(start, construct);
                }
            }
            throw badPerl(start, construct);
        }

        private IllegalArgumentException badPerl(int start, String construct) {
            String seen = s.substring(start, Math.min(i, s.length()));
            return fail((construct == null ? "invalid or unsupported Perl syntax " + seen
                    : construct + " " + seen + " is not RE2 syntax")
                    + " (RE2 groups: (re), (?:re), (?P<name>re), (?flags), (?flags:re) with flags i, m, s, U)");
        }

        /** {@code {n}}, {@code {n,}}, {@code {n,m}}; anything else is a literal brace. */
        private void brace() {
            int start = i;
            int j = i + 1;
            int[] min = number(j);
            if (min == null) {
                literalBrace();
                return;
            }
            j = min[1];
            int max = min[0];
            if (j < s.length() && s.charAt(j) == ',') {
                j++;
                if (j < s.length() && s.charAt(j) == '}') {
                    max = -1;
                } else {
                    int[] m = number(j);
                    if (m == null) {
                        literalBrace();
                        return;
                    }
                    max = m[0];
                    j = m[1];
                }
            }
            if (j >= s.length() || s.charAt(j) != '}') {
                literalBrace();
                return;
            }
            String text = s.substring(start, j + 1);
            if (min[0] < 0 || max < -1 || min[0] > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min[0] > max)) {
                throw fail("invalid repeat count " + text + " (RE2 allows counts up to " + MAX_REPEAT + ", min <= max)");
            }
            repeat(text);
            int m = max < 0 ? min[0] : max;
            long weight = m == 0 ? 0 : (long) m * Math.max(f.atom, 1);
            if ((min[0] >= 2 || max >= 2) && weight > MAX_REPEAT) {
                throw fail("invalid repeat count " + text + ": nested counts repeat more than " + MAX_REPEAT + " times");
            }
            f.atom = (int) Math.min(weight, Integer.MAX_VALUE);
            i = j + 1;
            lazy();
        }

        private void literalBrace() {
            f.push(1);
            i++;
        }

        /** Go's parseInt: digits without a leading zero; {value or -1 when too big, end}; null when none. */
        private int[] number(int j) {
            int start = j;
            while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
                j++;
            }
            if (j == start || (j - start >= 2 && s.charAt(start) == '0')) {
                return null;
            }
            return new int[] {j - start > 8 ? -1 : Integer.parseInt(s.substring(start, j)), j};
        }

        private void escape() {
            if (i + 1 >= s.length()) {
                throw fail("trailing backslash at end of expression");
            }
            char c = s.charAt(i + 1);
            switch (c) {
                case 'A', 'b', 'B', 'z', 'd', 'D', 's', 'S', 'w', 'W' -> {
                    f.push(1);
                    i += 2;
                }
                case 'Q' -> {
                    int end = s.indexOf("\\E", i + 2);
                    int stop = end < 0 ? s.length() : end;
                    if (stop > i + 2) {
                        f.push(1);
                    }
                    f.afterRepeat = false;
                    i = end < 0 ? s.length() : end + 2;
                }
                case 'p', 'P' -> {
                    unicodeClass();
                    f.push(1);
                }
                default -> {
                    i = singleEscape(i);
                    f.push(1);
                }
            }
        }

        /** An escape that stands for one character (also inside a class); returns the index after it. */
        private int singleEscape(int at) {
            if (at + 1 >= s.length()) {
                throw fail("trailing backslash at end of expression");
            }
            int c = s.codePointAt(at + 1);
            int next = at + 1 + Character.charCount(c);
            if (c < 0x80 && !isAlnum(c)) {
                return next;   // an escaped punctuation character is itself
            }
            switch (c) {
                case '0' -> {
                    return octal(next, 2);
                }
                case '1', '2', '3', '4', '5', '6', '7' -> {
                    if (next < s.length() && s.charAt(next) >= '0' && s.charAt(next) <= '7') {
                        return octal(next, 2);
                    }
                    throw fail("backreference \\" + (char) c + " is not RE2 syntax");
                }
                case 'x' -> {
                    return hex(at, next);
                }
                case 'a', 'f', 'n', 'r', 't', 'v' -> {
                    return next;
                }
                case 'k' -> throw fail("backreference \\k is not RE2 syntax");
                case 'C' -> throw fail("\\C (any byte) is not supported by Go's RE2");
                default -> throw fail("invalid escape sequence " + s.substring(at, next) + " (RE2 does not define it)");
            }
        }

        private int octal(int j, int more) {
            for (int k = 0; k < more && j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '7'; k++) {
                j++;
            }
            return j;
        }

        private int hex(int at, int j) {
            if (j < s.length() && s.charAt(j) == '{') {
                int end = s.indexOf('}', j);
                String digits = end < 0 ? "" : s.substring(j + 1, end);
                if (end < 0 || digits.isEmpty() || !digits.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)
                        || digits.length() > 8 || Long.parseLong(digits, 16) > Character.MAX_CODE_POINT) {
                    throw fail("invalid escape sequence " + s.substring(at, end < 0 ? s.length() : end + 1));
                }
                return end + 1;
            }
            if (j + 2 > s.length() || Character.digit(s.charAt(j), 16) < 0 || Character.digit(s.charAt(j + 1), 16) < 0) {
                throw fail("invalid escape sequence " + s.substring(at, Math.min(j + 2, s.length())));
            }
            return j + 2;
        }

        /** {@code \pN}, {@code \p{Name}}, {@code \p{^Name}} and the {@code \P} forms. */
        private void unicodeClass() {
            int start = i;
            if (i + 2 >= s.length()) {
                throw fail("invalid character class range " + s.substring(start));
            }
            String name;
            if (s.charAt(i + 2) == '{') {
                int end = s.indexOf('}', i);
                if (end < 0) {
                    throw fail("invalid character class range " + s.substring(start) + " (missing })");
                }
                name = s.substring(i + 3, end);
                i = end + 1;
            } else {
                int cp = s.codePointAt(i + 2);
                name = new String(Character.toChars(cp));
                i += 2 + Character.charCount(cp);
            }
            String bare = name.startsWith("^") ? name.substring(1) : name;
            if (!bare.equals("Any") && !CATEGORIES.contains(bare) && !SCRIPTS.contains(bare)) {
                throw fail("invalid character class range " + s.substring(start, i)
                        + " (not a Unicode category or script name Go knows)");
            }
        }

        /** A bracketed class, read the way Go's parseClass reads it. */
        private void cls() {
            int start = i;
            i++;
            if (i < s.length() && s.charAt(i) == '^') {
                i++;
            }
            boolean first = true;
            while (i >= s.length() || s.charAt(i) != ']' || first) {
                if (i >= s.length()) {
                    throw fail("missing closing ] for the class starting at offset " + start);
                }
                first = false;
                if (s.startsWith("[:", i)) {
                    int end = s.indexOf(":]", i + 2);
                    if (end >= 0) {
                        String name = s.substring(i + 2, end);
                        if (!POSIX_CLASSES.contains(name.startsWith("^") ? name.substring(1) : name)) {
                            throw fail("invalid character class range " + s.substring(i, end + 2)
                                    + " (POSIX classes: " + String.join(", ", POSIX_CLASSES.stream().sorted().toList()) + ")");
                        }
                        i = end + 2;
                        continue;
                    }
                }
                if (s.startsWith("\\p", i) || s.startsWith("\\P", i)) {
                    unicodeClass();
                    continue;
                }
                if (i + 1 < s.length() && s.charAt(i) == '\\' && "dDsSwW".indexOf(s.charAt(i + 1)) >= 0) {
                    i += 2;
                    continue;
                }
                int lo = classChar();
                if (i + 1 < s.length() && s.charAt(i) == '-' && s.charAt(i + 1) != ']') {
                    int rangeStart = i;
                    i++;
                    int hi = classChar();
                    if (hi < lo) {
                        throw fail("invalid character class range " + s.substring(rangeStart - 1, i) + " (reversed)");
                    }
                }
            }
            i++;
        }

        /** One character of a class (a plain one or an escape); returns its code point, or -1 for an escape. */
        private int classChar() {
            if (i >= s.length()) {
                throw fail("missing closing ]");
            }
            if (s.charAt(i) == '\\') {
                int at = i;
                i = singleEscape(at);
                return value(s.substring(at, i));
            }
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            return cp;
        }

        /** The character an escape stands for (only to order a range). */
        private static int value(String escape) {
            char c = escape.charAt(1);
            return switch (c) {
                case 'a' -> 7;
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'v' -> 0x0b;
                case 'x' -> Integer.parseInt(escape.startsWith("\\x{") ? escape.substring(3, escape.length() - 1)
                        : escape.substring(2), 16);
                default -> c >= '0' && c <= '7' ? Integer.parseInt(escape.substring(1), 8) : escape.codePointAt(1);
            };
        }

        private IllegalArgumentException fail(String what) {
            return new IllegalArgumentException(what);
        }
    }

    private static boolean isAlnum(int c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /** Go's unicode.Scripts names: Java's script names in Go's spelling ({@code OLD_ITALIC} is {@code Old_Italic}). */
    private static Set<String> scripts() {
        Set<String> names = new HashSet<>();
        for (Character.UnicodeScript script : Character.UnicodeScript.values()) {
            if (script == Character.UnicodeScript.UNKNOWN) {
                continue;
            }
            StringBuilder go = new StringBuilder();
            for (String part : script.name().split("_")) {
                if (!go.isEmpty()) {
                    go.append('_');
                }
                go.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
            names.add(go.toString().equals("Signwriting") ? "SignWriting" : go.toString());
        }
        return names;
    }
}
