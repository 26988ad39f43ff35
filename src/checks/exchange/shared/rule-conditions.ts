import type { TransportRule } from '../../../adapters/exchange/types.js';

/**
 * The condition properties of a transport rule (Set-TransportRule's predicates without the
 * `ExceptIf` prefix). A rule with none of them set applies to every message.
 */
const CONDITION_PROPERTIES = [
  'From',
  'FromScope',
  'FromMemberOf',
  'FromAddressContainsWords',
  'FromAddressMatchesPatterns',
  'SenderDomainIs',
  'SenderIpRanges',
  'SenderADAttributeContainsWords',
  'SenderADAttributeMatchesPatterns',
  'SenderManagementRelationship',
  'SentTo',
  'SentToScope',
  'SentToMemberOf',
  'RecipientDomainIs',
  'RecipientAddressContainsWords',
  'RecipientAddressMatchesPatterns',
  'RecipientADAttributeContainsWords',
  'RecipientADAttributeMatchesPatterns',
  'AnyOfToHeader',
  'AnyOfToHeaderMemberOf',
  'AnyOfCcHeader',
  'AnyOfCcHeaderMemberOf',
  'AnyOfToCcHeader',
  'AnyOfToCcHeaderMemberOf',
  'AnyOfRecipientAddressContainsWords',
  'AnyOfRecipientAddressMatchesPatterns',
  'BetweenMemberOf1',
  'BetweenMemberOf2',
  'ManagerAddresses',
  'ADComparisonAttribute',
  'SubjectContainsWords',
  'SubjectMatchesPatterns',
  'SubjectOrBodyContainsWords',
  'SubjectOrBodyMatchesPatterns',
  'HeaderContainsMessageHeader',
  'HeaderMatchesMessageHeader',
  'ContentCharacterSetContainsWords',
  'MessageContainsDataClassifications',
  'MessageTypeMatches',
  'MessageSizeOver',
  'WithImportance',
  'SCLOver',
  'HasClassification',
  'HasNoClassification',
  'HasSenderOverride',
  'AttachmentContainsWords',
  'AttachmentMatchesPatterns',
  'AttachmentExtensionMatchesWords',
  'AttachmentNameMatchesPatterns',
  'AttachmentPropertyContainsWords',
  'AttachmentSizeOver',
  'AttachmentHasExecutableContent',
  'AttachmentIsPasswordProtected',
  'AttachmentIsUnsupported',
  'AttachmentProcessingLimitExceeded',
] as const;

/** The conditions a rule has, as `Property = value` texts (empty: the rule applies to all messages). */
export function ruleConditions(rule: TransportRule): string[] {
  const record = rule as Record<string, unknown>;
  const set = ruleConditionNames(rule).map((name) => `${name} = ${show(record[name])}`);
  // On-premises style output also lists the predicates by class name.
  if (set.length === 0 && Array.isArray(record.Conditions) && record.Conditions.length > 0) {
    return record.Conditions.map((c) => `Conditions = ${String(c)}`);
  }
  return set;
}

/** The property names of the rule's conditions, for `-<Name> $null` in a suggested Set-TransportRule. */
export function ruleConditionNames(rule: TransportRule): string[] {
  const record = rule as Record<string, unknown>;
  return CONDITION_PROPERTIES.filter((name) => isSet(record[name]));
}

function isSet(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function show(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}
