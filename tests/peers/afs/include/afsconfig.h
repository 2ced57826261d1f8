/*
 * Stand-in for OpenAFS's build-tree <afsconfig.h>, which libopenafs-dev
 * does not ship but rxgen-generated C includes.  The installed
 * <afs/param.h> already describes the platform; nothing else is needed.
 */
#ifndef RXGEN_PEERS_AFSCONFIG_H
#define RXGEN_PEERS_AFSCONFIG_H
#endif
