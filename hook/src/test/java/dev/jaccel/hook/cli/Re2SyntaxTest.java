package dev.jaccel.hook.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RE2's syntax as Go's regexp/syntax reads it with the Perl flags (https://github.com/google/re2/wiki/Syntax):
 * what it accepts, and what it refuses although Java's Pattern accepts it.
 */
class Re2SyntaxTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "", "^jaccel\\.dev/.+$", "a|b", "a||b", "|", "()", "(a)(b)", "(?:a)", "(?i)gpu", "(?i:gpu)", "(?-i:x)",
            "(?im-sU:x)", "(?)", "(?P<name>x)", "(?P<a_1>x)", "a*?", "a+?", "a??", "a{2}", "a{2,}", "a{2,5}?",
            "a{,5}", "a{x}", "a{01}", "{", "}", "]", "^*", "$+", "\\b*", "a(?i)*", "[a-z]", "[]a]", "[^]a]", "[a-]",
            "[-a]", "[a\\-z]", "[[:alpha:]]", "[[:^digit:]]", "[[:alpha]", "[\\d\\s]", "[\\x41-\\x{5A}]", "[\\0-\\177]",
            "\\pL", "\\p{Greek}", "\\P{Lu}", "\\p{^Han}", "\\p{Any}", "\\p{Old_Italic}", "[\\p{Latin}]",
            "\\d\\D\\s\\S\\w\\W", "\\A\\z", "\\Qa.b*c\\E", "\\Q(unclosed", "\\.\\*\\_\\-\\/", "\\012\\0\\x4a\\x{1F600}",
            "\\a\\f\\n\\r\\t\\v", "a{1000}", "(a{10}){100}", "((a{10}){10}){10}", "(a{1000})", "(?:a{0}){5}x",
            "jaccel\\.dev/(gpu|neuron)", "\uD83D\uDE00+",
    })
    void acceptedByRe2(String re) {
        assertDoesNotThrow(() -> Re2Syntax.check(re));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // pattern Java's Pattern accepts (or not) | what the refusal says
            "(?=x)y                | lookahead (?= is not RE2 syntax",
            "(?!x)y                | lookahead (?! is not RE2 syntax",
            "(?<=a)b               | lookbehind (?<= is not RE2 syntax",
            "(?<!a)b               | lookbehind (?<! is not RE2 syntax",
            "(?<name>x)            | write (?P<name>...)",
            "(?>a+)b               | atomic group (?> is not RE2 syntax",
            "(?#comment)a          | comment (?# is not RE2 syntax",
            "(?x) a                | invalid or unsupported Perl syntax (?x",
            "(?P=name)             | (?P=name) backreference",
            "(?P<>x)               | invalid named capture (?P<>",
            "(?P<a-b>x)            | invalid named capture (?P<a-b>",
            "(?i-)x                | invalid or unsupported Perl syntax (?i-)",
            "(?--i)x               | invalid or unsupported Perl syntax (?--",
            "(a)\\1                | backreference \\1 is not RE2 syntax",
            "(?P<n>a)\\k<n>        | backreference \\k is not RE2 syntax",
            "\\8                   | invalid escape sequence \\8",
            "a*+                   | possessive quantifiers",
            "a++                   | possessive quantifiers",
            "a?+                   | possessive quantifiers",
            "a{2}+                 | possessive quantifiers",
            "a**                   | invalid nested repetition operator *",
            "a{2}{3}               | invalid nested repetition operator {3}",
            "a*?*                  | invalid nested repetition operator *",
            "*a                    | missing argument to repetition operator *",
            "(*)                   | missing argument to repetition operator *",
            "\"a|*\"               | missing argument to repetition operator *",
            "(?i)*                 | missing argument to repetition operator *",
            "a{1001}               | invalid repeat count {1001}",
            "a{2,1001}             | invalid repeat count {2,1001}",
            "a{5,2}                | invalid repeat count {5,2}",
            "a{999999999999}       | invalid repeat count",
            "(a{100}){11}          | nested counts repeat more than 1000 times",
            "((a{10}){10}){11}     | nested counts repeat more than 1000 times",
            "\\Z                   | invalid escape sequence \\Z",
            "\\G                   | invalid escape sequence \\G",
            "\\h                   | invalid escape sequence \\h",
            "\\R                   | invalid escape sequence \\R",
            "\\X                   | invalid escape sequence \\X",
            "\\e                   | invalid escape sequence \\e",
            "\\cA                  | invalid escape sequence \\c",
            "\\u0041               | invalid escape sequence \\u",
            "\\C                   | \\C (any byte) is not supported",
            "\\x4                  | invalid escape sequence \\x4",
            "\\x{}                 | invalid escape sequence \\x{}",
            "\\x{110000}           | invalid escape sequence \\x{110000}",
            "abc\\                 | trailing backslash",
            "\\p{Foo}              | invalid character class range \\p{Foo}",
            "\\p{greek}            | invalid character class range \\p{greek}",
            "\\p{IsGreek}          | invalid character class range \\p{IsGreek}",
            "\\p{javaLowerCase}    | invalid character class range",
            "\\p{Greek             | missing }",
            "[[:foo:]]             | invalid character class range [:foo:]",
            "[z-a]                 | invalid character class range z-a",
            "[a-\\d]               | invalid escape sequence \\d",
            "[\\b]                 | invalid escape sequence \\b",
            "[a                    | missing closing ]",
            "[]                    | missing closing ]",
            "(a                    | missing closing )",
            "a)                    | unexpected )",
            "\uD83D                | not valid UTF-8",
    })
    void refusedByRe2(String re, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Re2Syntax.check(re));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001})
    void groupsNestAtMostAThousandDeep(int depth) {
        String re = "(".repeat(depth) + "a" + ")".repeat(depth);
        if (depth <= Re2Syntax.MAX_DEPTH) {
            assertDoesNotThrow(() -> Re2Syntax.check(re));
        } else {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Re2Syntax.check(re)).getMessage()
                    .contains("nests too deeply"));
        }
    }
}
