/*
 * Stand-in for Heimdal's <roken.h>, included by rxgen-generated C inside
 * the OpenAFS tree.  The generated XDR code needs only the C library.
 */
#ifndef RXGEN_PEERS_ROKEN_H
#define RXGEN_PEERS_ROKEN_H
#include <stdlib.h>
#include <string.h>
#endif
