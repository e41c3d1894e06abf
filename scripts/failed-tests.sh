#!/usr/bin/env bash
# Prints each failed test of the .trx files under a directory: its name, then the first lines of its message and stack.
# test.sh calls it last so that whoever reads only a log's tail (CI keeps the last lines) sees what failed and why.
set -uo pipefail
find "${1:-TestResults}" -name '*.trx' -print0 | xargs -0 -r perl -0777 -ne '
  while (/<UnitTestResult\b([^>]*)>(.*?)<\/UnitTestResult>/gs) {
    my ($attributes, $body) = ($1, $2);
    next unless $attributes =~ /outcome="(Failed|Error|Timeout|Aborted)"/;
    my ($name) = $attributes =~ /testName="([^"]*)"/;
    my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
    my ($stack) = $body =~ /<StackTrace>(.*?)<\/StackTrace>/s;
    for ($name, $message, $stack) { $_ //= ""; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/\x27/g; s/&#xD;//g; s/&#xA;/\n/g; s/&amp;/&/g; }
    my @lines = (split(/\n/, $message))[0 .. 14];
    my @frames = grep { /Platform\./ } split(/\n/, $stack);
    print "FAILED $name\n";
    print "  $_\n" for grep { defined } @lines;
    print "  $_\n" for @frames[0 .. ($#frames < 4 ? $#frames : 4)];
  }'
