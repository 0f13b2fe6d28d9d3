import { describe, expect, it } from 'vitest';
import { en } from '../../../console/src/i18n/en';
import { zhCN } from '../../../console/src/i18n/zh-CN';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the console dictionaries', () => {
  it('have the same keys in English and Chinese', () => {
    // Prepare
    const english = Object.keys(en).sort();
    const chinese = Object.keys(zhCN).sort();

    // Act
    const missingInChinese = english.filter((key) => !(key in zhCN));
    const missingInEnglish = chinese.filter((key) => !(key in en));

    // Assess
    expect(missingInChinese).toEqual([]);
    expect(missingInEnglish).toEqual([]);
  });

  it('fill the same placeholders in both languages, and leave no message empty', () => {
    // Prepare
    const keys = Object.keys(en) as Array<keyof typeof en>;

    // Act
    const mismatched = keys.filter((key) => placeholders(en[key]).join() !== placeholders(zhCN[key]).join());
    const empty = keys.filter((key) => en[key].trim() === '' || zhCN[key].trim() === '');

    // Assess
    expect(mismatched).toEqual([]);
    expect(empty).toEqual([]);
  });
});
