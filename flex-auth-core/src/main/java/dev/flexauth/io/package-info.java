/**
 * Reading input files safely: {@link dev.flexauth.io.RegularFile} reads a registry snapshot, a
 * policy package or anything read beside them only if it is a regular file, within a size cap and a
 * deadline, so that no file at a watched path (a FIFO, {@code /dev/zero}, a directory, a huge file,
 * a hung network mount) can block or exhaust its reader. Depends on no other flex-auth package.
 */
package dev.flexauth.io;
