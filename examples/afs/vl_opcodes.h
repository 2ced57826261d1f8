/*
 * Opcodes of the AFS volume location (VL) service, Rx service 52 on UDP
 * port 7003.  Written for RxGen's examples from the published opcode
 * numbers; vldbint.xg pulls this file in with `#include` so that every
 * opcode in that file is a preprocessor macro, the way OpenAFS builds it.
 *
 * Opcode assignments must be plain decimal after preprocessing: rxgen
 * rejects hex, expressions and rxgen `const` names there.
 */
#ifndef RXGEN_EXAMPLES_VL_OPCODES_H
#define RXGEN_EXAMPLES_VL_OPCODES_H

/* The original (pre-multihoming) interface: 8 servers per entry. */
#define VLCREATEENTRY       501
#define VLDELETEENTRY       502
#define VLGETENTRYBYID      503
#define VLGETENTRYBYNAME    504
#define VLGETNEWVOLUMEID    505
#define VLREPLACEENTRY      506
#define VLUPDATEENTRY       507
#define VLSETLOCK           508
#define VLRELEASELOCK       509
#define VLLISTENTRY         510
#define VLLISTATTRIBUTES    511
#define VLLINKEDLIST        512
#define VLGETSTATS          513
#define VLPROBE             514
#define VLGETADDRS          515
#define VLCHANGEADDR        516

/* The "N" interface: 13 servers per entry. */
#define VLCREATEENTRYN      517
#define VLGETENTRYBYIDN     518
#define VLGETENTRYBYNAMEN   519
#define VLREPLACEENTRYN     520
#define VLLISTENTRYN        521
#define VLLISTATTRIBUTESN   522
#define VLLINKEDLISTN       523
#define VLUPDATEENTRYBYNAME 524

/* The "U" (UUID) interface.  525, 526 and 528-531 are reserved numbers
 * that no released server implements; they stay holes in the VL_ package,
 * which makes rxgen emit a switch dispatcher instead of a table. */
#define VLCREATEENTRYU      525
#define VLGETENTRYBYIDU     526
#define VLGETENTRYBYNAMEU   527
#define VLREPLACEENTRYU     528
#define VLLISTENTRYU        529
#define VLLISTATTRIBUTESU   530
#define VLLINKEDLISTU       531
#define VLREGADDR           532
#define VLGETADDRSU         533
#define VLLISTATTRIBUTESN2  534

/* Capability probe used for service upgrade (kAFS sends it to service 52
 * with the upgrade flag set).  OpenAFS 1.8 servers abort it with
 * RXGEN_OPCODE (-455). */
#define VLGETCAPABILITIES   65537

#endif /* RXGEN_EXAMPLES_VL_OPCODES_H */
