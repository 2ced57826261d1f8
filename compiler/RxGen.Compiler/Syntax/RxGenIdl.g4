/*
 * RxGenIdl: the interface definition language of OpenAFS rxgen (.xg) and Sun rpcgen (.x),
 * after preprocessing (see Preprocessing/Preprocessor.cs: directives, inactive regions and '%'
 * lines are already blank lines here, so columns are those of the original file).
 *
 * This file is the source of truth; the C# parser in Generated/ is produced from it with
 * antlr-ng (npm run grammar). CI regenerates it and fails if the checked-in files differ.
 *
 * The grammar has no actions and no target code. Keywords that only one dialect reserves
 * (package, proc, IN, program, version, hyper, ...) are contextual: they may also be used as
 * identifiers, so every real rpcgen file (which uses e.g. 'proc' as a field name) and every real
 * rxgen file parse. Semantic rules (rxgen's direction inheritance, opcode numbering, ...) are
 * applied by Model/ModelBuilder.cs, never here.
 */
grammar RxGenIdl;

file
    : definition* EOF
    ;

definition
    : constDefinition
    | enumDefinition
    | structDefinition
    | unionDefinition
    | typedefDefinition
    | customizedDefinition
    | specialDefinition
    | programDefinition
    | packageStatement
    | prefixStatement
    | statIndexStatement
    | startingOpcodeStatement
    | splitPrefixStatement
    | extensionDirective
    | procedureDefinition
    | ';'
    ;

// ---------------------------------------------------------------- types (shared by both dialects)

constDefinition
    : CONST identifier '=' (value | STRING_LITERAL) ';'
    ;

value
    : NUMBER
    | identifier
    ;

enumDefinition
    : ENUM identifier enumBody ';'
    ;

enumBody
    : '{' enumMember (',' enumMember)* ','? '}'
    ;

enumMember
    : identifier ('=' value)?
    ;

structDefinition
    : STRUCT identifier structBody ';'
    ;

structBody
    : '{' (declaration ';')* '}'
    ;

unionDefinition
    : UNION identifier unionBody ';'
    ;

unionBody
    : SWITCH '(' declaration ')' '{' caseArm* defaultArm? '}'
    ;

caseArm
    : caseLabel+ declaration ';'
    ;

caseLabel
    : CASE value ':'
    ;

defaultArm
    : DEFAULT ':' declaration ';'
    ;

typedefDefinition
    : TYPEDEF declaration ';'
    ;

customizedDefinition
    : CUSTOMIZED structDefinition
    ;

specialDefinition
    : SPECIAL typeSpecifier identifier (',' identifier)* ';'
    ;

declaration
    : typeSpecifier '*' identifier                 # pointerDeclaration
    | typeSpecifier identifier '[' value ']'       # fixedArrayDeclaration
    | typeSpecifier identifier '<' value? '>'      # variableArrayDeclaration
    | typeSpecifier identifier                     # simpleDeclaration
    | VOID                                         # voidDeclaration
    ;

typeSpecifier
    : UNSIGNED unsignedBase?                       # unsignedType
    | SHORT INT?                                   # shortType
    | LONG INT?                                    # longType
    | INT                                          # intType
    | CHAR                                         # charType
    | HYPER                                        # hyperType
    | FLOAT                                        # floatType
    | DOUBLE                                       # doubleType
    | QUADRUPLE                                    # quadrupleType
    | BOOL                                         # boolType
    | VOID                                         # voidType
    | STRING                                       # stringType
    | OPAQUE                                       # opaqueType
    | (STRUCT | UNION | ENUM) identifier           # taggedType
    | identifier                                   # namedType
    ;

unsignedBase
    : CHAR
    | SHORT INT?
    | LONG INT?
    | INT
    | HYPER
    | IDENTIFIER
    ;

// ---------------------------------------------------------------- rpcgen programs

programDefinition
    : PROGRAM identifier '{' versionDefinition+ '}' '=' value ';'
    ;

versionDefinition
    : VERSION identifier '{' programProcedure+ '}' '=' value ';'
    ;

programProcedure
    : typeSpecifier STAR='*'? identifier '(' programArgument (',' programArgument)* ')' '=' value ';'
    ;

programArgument
    : typeSpecifier STAR='*'? identifier? ('<' value? '>')?
    ;

// ---------------------------------------------------------------- rxgen packages and procedures

packageStatement
    : PACKAGE identifier
    ;

prefixStatement
    : PREFIX identifier
    ;

statIndexStatement
    : STATINDEX value
    ;

startingOpcodeStatement
    : STARTINGOPCODE value
    ;

splitPrefixStatement
    : SPLITPREFIX splitPrefixItem* ';'
    ;

splitPrefixItem
    : (IN | OUT) '=' identifier
    ;

// RxGen's extension (docs/idl-extension.md): 'serviceid 2503;', 'shadowof VL_;' after a package.
extensionDirective
    : name=identifier value ';'
    ;

procedureDefinition
    : PROC? (name=identifier serverStub=identifier?)? '(' parameterList? ')' procedureKind? ('=' opcode=value)? ';'
    ;

parameterList
    : parameter (',' parameter)*
    ;

parameter
    : direction? declaration
    ;

direction
    : IN
    | OUT
    | INOUT
    ;

procedureKind
    : SPLIT
    | MULTI
    ;

// Contextual keywords are identifiers too.
identifier
    : IDENTIFIER
    | PACKAGE | PREFIX | STATINDEX | SPECIAL | STARTINGOPCODE | CUSTOMIZED | PROC | SPLITPREFIX
    | SPLIT | MULTI | IN | OUT | INOUT
    | PROGRAM | VERSION | HYPER | LONG | QUADRUPLE
    ;

// ---------------------------------------------------------------- lexer

CONST          : 'const';
ENUM           : 'enum';
STRUCT         : 'struct';
UNION          : 'union';
SWITCH         : 'switch';
CASE           : 'case';
DEFAULT        : 'default';
TYPEDEF        : 'typedef';
UNSIGNED       : 'unsigned';
SHORT          : 'short';
INT            : 'int';
CHAR           : 'char';
FLOAT          : 'float';
DOUBLE         : 'double';
BOOL           : 'bool';
VOID           : 'void';
STRING         : 'string';
OPAQUE         : 'opaque';
CUSTOMIZED     : 'customized';
SPECIAL        : 'special';
PACKAGE        : 'package';
PREFIX         : 'prefix';
STATINDEX      : 'statindex';
STARTINGOPCODE : 'startingopcode';
SPLITPREFIX    : 'splitprefix';
PROC           : 'proc';
SPLIT          : 'split';
MULTI          : 'multi';
IN             : 'IN';
OUT            : 'OUT';
INOUT          : 'INOUT';
PROGRAM        : 'program';
VERSION        : 'version';
HYPER          : 'hyper';
LONG           : 'long';
QUADRUPLE      : 'quadruple';

NUMBER
    : '-'? '0' [xX] [0-9a-fA-F]+
    | '-'? [0-9]+
    ;

IDENTIFIER
    : [a-zA-Z_] [a-zA-Z_0-9]*
    ;

STRING_LITERAL
    : '"' ~["\r\n]* '"'
    ;

BLOCK_COMMENT
    : '/*' .*? '*/' -> channel(HIDDEN)
    ;

LINE_COMMENT
    : '//' ~[\r\n]* -> channel(HIDDEN)
    ;

WHITESPACE
    : [ \t\r\n\f\u000B]+ -> skip
    ;

// Anything else is reported by the parser as a syntax error with its position.
UNEXPECTED_CHARACTER
    : .
    ;
