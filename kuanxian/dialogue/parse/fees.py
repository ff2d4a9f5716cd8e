"""Fees and interest: asking to pay less of them, what they are (or a grumble about them), and whether
interest keeps running during a plan.
"""

from __future__ import annotations

import re

_FEE_RELIEF = re.compile(
    r"(?i:waive)|减免|免(?:了|掉|个|一点|点|除|息)|减(?:一半|半|点|一点|掉|少)|少(?:收|算|要)|打(?:个)?折|折扣|抹(?:掉|零|了)|零头|便宜(?:点|些)|"
    r"(?:利息|罚息|滞纳金|费用|手续费)(?:能不能|可不可以|可以|就)?(?:不|别|免|少|减|算了)|只(?:还|收)本金|停息"
    r"|(?:别|不要)再?(?:加|算|收)(?:利息|罚息|费用)"  # "能不能别再加利息了"
)


# "算了 罚息不问了": the subject dropped, not a request.
_DROPPED = re.compile(r"(?:利息|罚息|滞纳金|费用|手续费)(?:的事|那个|这个)?(?:就)?(?:不问了|不管了|不说了|无所谓)")


def asks_fee_relief(text: str) -> bool:
    """ "利息能不能免了", "免个零头", "减一半呢": asking to pay less in fees or interest."""
    return _FEE_RELIEF.search(_DROPPED.sub("", text)) is not None


# "这350是什么钱", "是利息还是手续费", "多出来的钱是哪来的": what the fees are (not a dispute, not an offer).
_FEE_QUESTION = re.compile(
    r"(?:记得|明明)(?:我)?借的(?:是|才|就|只有)|怎么(?:是|变成|成了)[0-9一二两三四五六七八九十百千万]{2,}|"
    r"(?:就是|是)(?:利息|罚息|手续费|费用)(?:和|跟|加)?(?:利息|罚息|手续费|费用)?(?:是吧|对吧|吧|吗)|"
    r"(?:什么|啥子?)(?:钱|费|费用)|是(?:利息|罚息|手续费|服务费|违约金)还是|(?:利息|罚息|手续费|服务费|违约金|罚款)还是(?:利息|罚息|手续费|服务费|违约金|罚款)|多(?:出来|收)的.{0,8}(?:是|算)|"
    r"(?:利息|罚息|手续费|费用).{0,4}(?:怎么算|是怎么|哪来的|是什么)|(?:利息|罚息|手续费|费用|本金)(?:是|有|占)?(?:多少|好多|几多)"
)


def asks_about_fees(text: str) -> bool:
    return _FEE_QUESTION.search(text) is not None or _FEE_GRUMBLE.search(text) is not None


# "纯纯割韭菜", "凭啥收我这么多": a grumble about the fees, answered with what they are.
_FEE_GRUMBLE = re.compile(r"割韭菜|凭(?:啥|什么)收|收(?:我)?(?:这么|那么)多|怎么(?:这么|那么)多(?:钱|利息|费)|高利贷|乱收费")


# "分期的话利息还会一直涨吗", "总数是不是就12000 不会再加了", "这期间利息还算不算": whether a plan's total grows.
_PLAN_INTEREST = re.compile(
    r"(?:利息|罚息|费用|滞纳金).{0,6}(?:还|会|继续|一直|照样|照常|也)?(?:涨|算|加|计|产生|增加|往上|滚)"
    r"(?:不|吗|么|没|嘛|呢|[?？]|$)|"
    r"(?:利息|罚息|费用|滞纳金).{0,4}(?:还|会|继续|一直)?(?:涨|算|加|计|产生|增加)不(?:涨|算|加|计|产生|增加)|"
    r"(?:总数|总共|一共|合计|总额|加起来).{0,12}(?:不会再?(?:加|涨|多)|会不会再?(?:加|涨|多|变)|还会(?:加|涨|多|变))|"
    r"(?:利息|罚息|费用).{0,6}不(?:再)?(?:往上)?(?:涨|加|算)了|"  # "那个利息是不是就不往上涨了"
    r"(?:利息|罚息|费用|滞纳金).{0,4}会不会.{0,4}(?:涨|加|算|滚)|利滚利|"  # "利息 会不会一直往上涨 我听人说利滚利"
    r"越还越多|不会(?:再)?多(?:一分|一毛|一块|出来)|"  # "…一次还清，就是3000整，不会多一分对吧"
    r"(?:还会不会|会不会|还会)(?:再|又)?(?:加钱|涨钱|多收钱|多要钱|多收|多扣)|"  # "到1月10号那天还会不会再加钱？"
    # "这个月逾期的会不会还在算罚息", "罚息那个你还没回我呢 分期了还算不算"
    r"(?:会不会|会|还会|是不是|还)(?:还|继续|一直|再)?(?:在)?(?:算|加|收|涨)(?:罚息|利息|滞纳金)|"
    # "还完最后一期是不是就了结了 后面还会不会有别的钱要交": nothing more to pay after the last installment?
    r"(?:还会不会|会不会|还要不要|还有没有|会不会还)(?:有|再)?(?:别的|其他|额外|另外)(?:的)?(?:钱|费用|费|利息)|"
    r"(?:还有没有|还有没得|还有没|有没得)(?:其他|别的|额外)?(?:啥子|什么|啥|别的|其他)?(?:的)?(?:钱|费用|费)|"
    r"(?:利息|罚息|滞纳金).{0,16}(?:算不算|加不加|涨不涨|收不收|还算吗|还加吗|还涨吗)"
)


def asks_plan_interest(text: str) -> bool:
    """Whether interest keeps running during a plan (a question, not a request to waive it)."""
    return _PLAN_INTEREST.search(text) is not None and not asks_fee_relief(text)
