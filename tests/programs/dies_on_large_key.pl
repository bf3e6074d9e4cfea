#!/usr/bin/perl
# Broken subject (both modes): a Perl echo, right in every way but one: it refuses a key longer
# than 64 KiB with die(), which Perl reports on stderr as "key of N bytes is too long at
# PATH line 37, <STDIN> line 1." and exit 255. dxt checks send keys of 1 MiB.
# Root cause: `exit` (R8.1, uncaught-error), the die() message and line named.
use strict;
use warnings;
binmode STDIN;
binmode STDOUT;
$| = 1;

sub read_exact {
    my ($n) = @_;
    my $buf = '';
    while (length($buf) < $n) {
        my $got = read(STDIN, $buf, $n - length($buf), length($buf));
        die "read: $!" unless defined $got;
        return undef if $got == 0;
    }
    return $buf;
}

sub read_item {
    my $header = read_exact(4);
    return undef unless defined $header;
    my $length = unpack("V", $header);
    return read_exact($length);
}

my $line = <STDIN>;
exit 1 unless defined $line;
read_exact($line + 0);
while (1) {
    my $header = read_exact(4);
    last unless defined $header;
    my $klen = unpack("V", $header);
    die "key of $klen bytes is too long" if $klen > 65536;
    my $key = read_exact($klen);
    my $value = read_item();
    print STDOUT pack("V", 1), pack("V", length $key), $key, pack("V", length $value), $value;
}
exit 0;
