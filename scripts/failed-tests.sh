#!/usr/bin/env bash
# Prints the failed tests of the .trx files under a directory: the first few with their message and stack (shortened),
# then every failed test's name. test.sh calls it last so that whoever reads only a log's tail (CI keeps the last lines)
# sees what failed and why.
set -uo pipefail
find "${1:-TestResults}" -name '*.trx' -print0 | xargs -0 -r cat | perl -0777 -ne '
  my (@names, @details);
  # A result without output is one self-closing element; the rest have a body (message, stack, output).
  while (/<UnitTestResult\b([^>]*?)(?:\/>|>(.*?)<\/UnitTestResult>)/gs) {
    my ($attributes, $body) = ($1, $2 // "");
    next unless $attributes =~ /outcome="(Failed|Error|Timeout|Aborted)"/;
    my ($name) = $attributes =~ /testName="([^"]*)"/;
    my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
    my ($stack) = $body =~ /<StackTrace>(.*?)<\/StackTrace>/s;
    for ($name, $message, $stack) { $_ //= ""; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/\x27/g; s/&#xD;//g; s/&#xA;/\n/g; s/&amp;/&/g; }
    push @names, $name;
    next if @details >= 3;
    my @lines = grep { defined } (split(/\n/, $message))[0 .. 5];
    my @frames = grep { /Platform\./ } split(/\n/, $stack);
    push @details, join("", "FAILED $name\n", map({ "  " . substr($_, 0, 600) . "\n" } @lines, @frames[0 .. ($#frames < 2 ? $#frames : 2)]));
  }
  exit unless @names;
  print @details;
  printf "%d failed test(s):\n", scalar @names;
  print "  $_\n" for @names[0 .. ($#names < 39 ? $#names : 39)];
  print "  ...\n" if @names > 40;'
